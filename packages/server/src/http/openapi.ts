import Router from '@koa/router';
import { z } from 'zod';
import { ErrorCode, IMAGE_TYPES, type ChatMessage, type ModerationEntry, type ErrorPayload, type HistoryPage, type ImageInfo, type Member, type SearchPage } from '@roomchat/protocol';
import type { AppSettings } from '../auth/apps.js';
import type { ChatServerConfig } from '../config.js';
import { HOOK_FAIL_MODES, LINK_POLICIES, moderationPatchSchema, WORD_ACTIONS, type ModerationLimits } from '../moderation/settings.js';
import type { Schemas } from '../schemas.js';
import { WEBHOOK_EVENT_TYPES } from '../webhooks/events.js';
import { webhookSchemas } from './webhooks.routes.js';
import { adminPaths, adminTokenScheme } from './openapi-admin.js';

/**
 * The REST API as an OpenAPI 3.1 document, served at GET /v1/openapi.json. Requests are described
 * by the very schemas that validate them (schemas.ts); responses by the schemas below, typed
 * against @roomchat/protocol, and a test checks real responses against them
 * (openapi.test.ts). Converted with zod's own JSON Schema output (zod 4), whose draft 2020-12 is the
 * dialect of OpenAPI 3.1: no generator to depend on.
 */
const role = z.enum(['owner', 'moderator', 'admin', 'member']);
const member = z.strictObject({
  id: z.string(),
  name: z.string(),
  verified: z.literal(true).optional(),
  userId: z.string().optional(),
  avatarUrl: z.string().optional(),
  role: role.optional(),
}) satisfies z.ZodType<Member>;
const imageInfo = z.strictObject({
  id: z.string(),
  mime: z.enum(IMAGE_TYPES),
  width: z.number().int(),
  height: z.number().int(),
  size: z.number().int(),
  url: z.string(),
  thumbUrl: z.string(),
}) satisfies z.ZodType<ImageInfo>;
const time = z.iso.datetime();
const chatMessage = z.strictObject({
  id: z.string(),
  roomCode: z.string(),
  seq: z.number().int(),
  kind: z.enum(['text', 'image', 'join', 'leave']),
  author: z.string(),
  authorId: z.string().optional(),
  bot: z.literal(true).optional(),
  text: z.string().optional(),
  image: imageInfo.optional(),
  clientId: z.string().optional(),
  createdAt: time,
  version: z.number().int().optional(),
  editedAt: time.optional(),
  deletedAt: time.optional(),
  replyTo: z.strictObject({ id: z.string(), author: z.string(), excerpt: z.string().optional(), deleted: z.literal(true).optional() }).optional(),
  reactions: z.array(z.strictObject({ emoji: z.string(), count: z.number().int(), mine: z.boolean() })).optional(),
  mentions: z.array(z.string()).optional(),
  hidden: z.literal(true).optional(),
}) satisfies z.ZodType<ChatMessage>;
const change = { id: z.string(), roomCode: z.string(), seq: z.number().int(), author: z.string(), authorId: z.string().optional(), target: z.string(), createdAt: time };
const moderationEntry = z.strictObject({
  kind: z.literal('moderation'),
  id: z.string(),
  roomCode: z.string(),
  seq: z.number().int(),
  author: z.string(),
  authorId: z.string().optional(),
  action: z.enum(['kick', 'ban', 'unban', 'mute', 'unmute', 'role', 'lock', 'unlock', 'slow-mode', 'code-rotated', 'close', 'hide', 'unhide']),
  target: z.string().optional(),
  reason: z.string().optional(),
  until: time.optional(),
  seconds: z.number().int().optional(),
  role: role.optional(),
  code: z.string().optional(),
  message: chatMessage.optional(),
  createdAt: time,
}) satisfies z.ZodType<Omit<ModerationEntry, 'text' | 'image' | 'clientId'>>;
const logEntry = z.union([
  moderationEntry,
  chatMessage,
  z.strictObject({ ...change, kind: z.literal('edit'), text: z.string().optional() }),
  z.strictObject({ ...change, kind: z.literal('delete') }),
  z.strictObject({ ...change, kind: z.literal('reaction'), emoji: z.string(), on: z.boolean(), count: z.number().int() }),
]);
const historyPage = z.strictObject({ messages: z.array(logEntry), hasMore: z.boolean(), historyStart: z.number().int().optional() }) satisfies z.ZodType<HistoryPage>;
const searchPage = z.strictObject({ messages: z.array(chatMessage), hasMore: z.boolean() }) satisfies z.ZodType<SearchPage>;
const errorBody = z.strictObject({
  error: z.strictObject({
    code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    retryAfterMs: z.number().optional(),
  }) satisfies z.ZodType<ErrorPayload>,
});
const room = z.strictObject({ code: z.string(), createdAt: time });
const keyedRoom = z.strictObject({ code: z.string(), key: z.string(), private: z.boolean(), members: z.array(z.string()).optional(), createdAt: time });
const roomUsers = z.strictObject({ members: z.array(z.string()) });
const reportSummary = z.strictObject({
  message: chatMessage,
  reports: z.array(z.strictObject({ reporterId: z.string(), reason: z.string(), createdAt: time })),
  hidden: z.boolean(),
});
const ban = z.strictObject({ memberId: z.string(), userId: z.string().optional(), until: time.optional(), reason: z.string().optional(), by: z.string(), createdAt: time });
const auditPage = z.strictObject({
  entries: z.array(
    z.strictObject({
      id: z.number().int(),
      roomCode: z.string(),
      actorId: z.string().optional(),
      actorName: z.string(),
      action: z.string(),
      target: z.string().optional(),
      reason: z.string().optional(),
      data: z.record(z.string(), z.unknown()).optional(),
      createdAt: time,
    }),
  ),
  hasMore: z.boolean(),
});
const deleteEntry = z.strictObject({ id: z.string(), roomCode: z.string(), seq: z.number().int(), author: z.string(), authorId: z.string().optional(), target: z.string(), createdAt: time, kind: z.literal('delete') });
const webhookEndpoint = z.strictObject({
  id: z.string(),
  appId: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  enabled: z.boolean(),
  createdAt: time,
});
const webhookDelivery = z.strictObject({
  eventId: z.string(),
  type: z.string(),
  attempt: z.number().int(),
  outcome: z.enum(['delivered', 'retrying', 'failed']),
  status: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().int(),
  at: time,
});

const appSettings = z.strictObject({
  guestsAllowed: z.boolean(),
  roomCreation: z.enum(['anyone', 'verified', 'none']),
  anonymousRestPosting: z.boolean(),
  blockedWords: z.array(z.string()),
  wordAction: z.enum(WORD_ACTIONS),
  linkPolicy: z.enum(LINK_POLICIES),
  mentionsMax: z.number().int().nullable(),
  hookUrl: z.string().nullable(),
  hookSecret: z.string().nullable(),
  hookTimeoutMs: z.number().int(),
  hookFailMode: z.enum(HOOK_FAIL_MODES),
  reportsToHide: z.number().int(),
  retentionDays: z.number().int().nullable().optional(),
}) satisfies z.ZodType<AppSettings>;
const retention = z.strictObject({ retentionDays: z.number().int().nullable(), appRetentionDays: z.number().int().nullable() });
const erased = z.strictObject({ erased: z.strictObject({ rooms: z.number().int(), messages: z.number().int(), reactions: z.number().int(), renamed: z.number().int() }) });

type Json = Record<string, unknown>;

/** Builds the document from the server's request schemas (their limits are the configured ones). */
export function openApiDocument(schemas: Schemas, limits: ModerationLimits): Json {
  const registry = z.registry<{ id: string }>();
  const named = { Member: member, ImageInfo: imageInfo, ChatMessage: chatMessage, ModerationEntry: moderationEntry, LogEntry: logEntry, HistoryPage: historyPage, SearchPage: searchPage, Error: errorBody };
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const components = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'any' }).schemas;
  for (const schema of Object.values(components)) {
    delete schema.$schema;
    delete schema.$id;
  }
  const ref = (id: keyof typeof named) => ({ $ref: `#/components/schemas/${id}` });
  const toJson = (schema: z.ZodType, io: 'input' | 'output' = 'output'): Json => {
    const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
    return rest;
  };
  const json = (schema: Json) => ({ content: { 'application/json': { schema } } });
  const ok = (description: string, schema: Json) => ({ description, ...json(schema) });
  const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((status) => [String(status), { $ref: `#/components/responses/Error${status}` }]));
  const query = (schema: z.ZodObject) =>
    Object.entries(schema.shape).map(([name, field]) => ({ name, in: 'query', required: !(field as z.ZodType).safeParse(undefined).success, schema: toJson(field as z.ZodType, 'input') }));
  const codeParam = { name: 'code', in: 'path', required: true, description: 'The room code (the capability to read and post).', schema: { type: 'string', maxLength: 64 } };
  const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
  // A private room's images: the URL its members are handed carries these (IMAGE_URL_EXPIRED, 403, without them or after exp).
  const signature = [
    { name: 'exp', in: 'query', required: false, description: 'Private rooms: when the URL expires (Unix seconds)', schema: { type: 'string' } },
    { name: 'sig', in: 'query', required: false, description: 'Private rooms: the server’s signature of the path and exp', schema: { type: 'string' } },
  ];
  const roomsWithCode = { parameters: [codeParam] };
  // Routes for the site's backend only: Authorization: Roomchat-Secret <app secret>.
  const appSecret = [{ appSecret: [] }];
  const userParam = { name: 'user', in: 'path', required: true, description: 'A user of the app (the `sub` its tokens carry).', schema: { type: 'string', maxLength: 255 } };
  const keyParam = { name: 'key', in: 'path', required: true, description: 'The site’s key of the room.', schema: toJson(schemas.roomKey, 'input') };
  const imageBytes = { content: { 'image/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } };

  return {
    openapi: '3.1.0',
    info: {
      title: 'Roomchat REST API',
      version: '1',
      description: 'Rooms, messages, search and images over HTTP. The realtime Socket.IO protocol is described in docs/api.md.',
    },
    paths: {
      '/v1/rooms': {
        post: { summary: 'Create a room', responses: { '201': ok('The room', z.toJSONSchema(z.strictObject({ room })) as Json), ...errors(403, 429) } },
      },
      '/v1/rooms/{code}': {
        ...roomsWithCode,
        get: { summary: 'Look a room up, with its present members', responses: { '200': ok('The room', toJson(z.strictObject({ room: room.extend({ members: z.array(member) }) }))), ...errors(401, 403, 404, 429) } },
      },
      '/v1/rooms/{code}/messages': {
        ...roomsWithCode,
        get: { summary: 'A page of the room’s log', parameters: query(schemas.historyQuery), responses: { '200': ok('The page, oldest first', ref('HistoryPage')), ...errors(400, 401, 403, 404, 429) } },
        post: {
          summary: 'Post a message: under a name (where the app allows anonymous posts), as the user of a Bearer token, or with the app secret as a bot of that name (marked `bot`)',
          requestBody: { required: true, ...json(toJson(schemas.restMessage, 'input')) },
          responses: { '201': ok('The stored message', { type: 'object', properties: { message: ref('ChatMessage') }, required: ['message'], additionalProperties: false }), ...errors(400, 401, 403, 404, 413, 415, 429) },
        },
      },
      '/v1/rooms/by-key/{key}': {
        parameters: [keyParam],
        put: {
          summary: 'App secret: the app’s room with this key, created when missing (open, or private with its users); an existing one is returned as it is',
          security: appSecret,
          requestBody: { required: false, ...json(toJson(schemas.appRoom, 'input')) },
          responses: { '200': ok('The existing room', toJson(z.strictObject({ room: keyedRoom }))), '201': ok('The room, created', toJson(z.strictObject({ room: keyedRoom }))), ...errors(400, 401, 403, 429) },
        },
      },
      '/v1/rooms/{code}/members': {
        ...roomsWithCode,
        post: {
          summary: 'App secret: add users to a private room',
          security: appSecret,
          requestBody: { required: true, ...json(toJson(schemas.roomUsers, 'input')) },
          responses: { '200': ok('The room’s users now', toJson(roomUsers)), ...errors(400, 401, 403, 404, 429) },
        },
      },
      '/v1/rooms/{code}/members/{user}': {
        parameters: [codeParam, userParam],
        delete: { summary: 'App secret: remove a user from a private room', security: appSecret, responses: { '200': ok('The room’s users now', toJson(roomUsers)), ...errors(400, 401, 403, 404, 429) } },
      },
      '/v1/rooms/{code}/messages/{id}': {
        parameters: [codeParam, idParam],
        delete: {
          summary: 'App secret: delete any message of the room (a tombstone stays)',
          security: appSecret,
          responses: { '200': ok('The delete entry', toJson(z.strictObject({ entry: deleteEntry }))), ...errors(401, 403, 404, 429) },
        },
      },
      '/v1/app/settings': {
        get: {
          summary: 'App secret: the app’s settings, with its filters and pre-publish hook (and the hook’s secret)',
          security: appSecret,
          responses: { '200': ok('The settings', toJson(z.strictObject({ settings: appSettings }))), ...errors(401, 403) },
        },
        patch: {
          summary: 'App secret: change the app’s filters and pre-publish hook (docs/moderation.md); fields left out stay as they are',
          security: appSecret,
          requestBody: { required: true, ...json(toJson(moderationPatchSchema(limits), 'input')) },
          responses: { '200': ok('The settings now', toJson(z.strictObject({ settings: appSettings }))), ...errors(400, 401, 403, 413, 415) },
        },
      },
      '/v1/rooms/{code}/retention': {
        ...roomsWithCode,
        put: {
          summary: 'App secret: the room’s own retention period in days (0: kept forever), or null to follow the app’s `retentionDays`',
          security: appSecret,
          requestBody: { required: true, ...json(toJson(schemas.roomRetention, 'input')) },
          responses: { '200': ok('The room’s period now, and its app’s', toJson(retention)), ...errors(400, 401, 403, 404, 429) },
        },
      },
      '/v1/rooms/{code}/export': {
        ...roomsWithCode,
        get: {
          summary: 'App secret: the room’s whole log as JSON lines (one LogEntry a line, in seq order; images by URL), streamed',
          security: appSecret,
          responses: {
            '200': { description: 'The log, one JSON LogEntry a line', content: { 'application/x-ndjson': { schema: { type: 'string', description: 'One JSON LogEntry (#/components/schemas/LogEntry) a line, each ending with a newline' } } } },
            ...errors(401, 403, 404, 429),
          },
        },
      },
      '/v1/users/{user}/messages': {
        parameters: [userParam],
        delete: {
          summary: 'App secret: erase everything a user wrote in the app’s rooms (messages deleted through delete entries, reactions taken back, name replaced)',
          security: appSecret,
          responses: { '200': ok('What was erased', toJson(erased)), ...errors(400, 401, 403, 429) },
        },
      },
      '/v1/rooms/{code}/members/{member}/messages': {
        parameters: [codeParam, { name: 'member', in: 'path', required: true, description: 'A member’s public id (`authorId` on its entries), e.g. a guest’s.', schema: toJson(schemas.memberId, 'input') }],
        delete: {
          summary: 'App secret: erase everything a member (a guest, say) wrote in this room',
          security: appSecret,
          responses: { '200': ok('What was erased', toJson(erased)), ...errors(400, 401, 403, 404, 429) },
        },
      },
      '/v1/rooms/{code}/search': {
        ...roomsWithCode,
        get: {
          summary: 'Search the room’s messages by words (each must appear, as a word or its start), newest first',
          parameters: query(schemas.searchQuery),
          responses: { '200': ok('Matching messages as they are now', ref('SearchPage')), ...errors(400, 401, 403, 404, 429) },
        },
      },
      '/v1/rooms/{code}/images': {
        ...roomsWithCode,
        post: {
          summary: 'Upload an image (PNG, JPEG, GIF or WebP) as the raw body, to send with message imageId',
          requestBody: { required: true, ...imageBytes },
          responses: { '201': ok('The stored image', { type: 'object', properties: { image: ref('ImageInfo') }, required: ['image'], additionalProperties: false }), ...errors(400, 401, 403, 404, 413, 415, 429) },
        },
      },
      '/v1/images/{id}': { parameters: [idParam, ...signature], get: { summary: 'An image', responses: { '200': { description: 'The image', ...imageBytes }, ...errors(403, 404) } } },
      '/v1/images/{id}/thumbnail': { parameters: [idParam, ...signature], get: { summary: 'An image’s thumbnail (WebP)', responses: { '200': { description: 'The thumbnail', ...imageBytes }, ...errors(403, 404) } } },
      // Moderation (docs/moderation.md#server-to-server): the app's backend and its admin page.
      '/v1/rooms/{code}/moderation': {
        ...roomsWithCode,
        post: {
          summary: 'App secret: take a moderation action in the room as an admin of the app (kick, ban, unban, mute, unmute, role, lock, slow-mode, rotate-code, close)',
          security: appSecret,
          requestBody: { required: true, ...json(toJson(schemas.moderation, 'input')) },
          responses: { '200': ok('The action’s log entry', toJson(z.strictObject({ entry: moderationEntry }))), ...errors(400, 401, 403, 404, 429) },
        },
      },
      '/v1/rooms/{code}/owner': {
        ...roomsWithCode,
        put: {
          summary: 'App secret: make a user of the app (by `sub`) the room’s owner; the owner before becomes a moderator',
          security: appSecret,
          requestBody: { required: true, ...json(toJson(schemas.roomOwner, 'input')) },
          responses: { '200': ok('The owner', toJson(z.strictObject({ owner: z.strictObject({ userId: z.string(), memberId: z.string() }) }))), ...errors(400, 401, 403, 404, 429) },
        },
      },
      '/v1/rooms/{code}/bans': {
        ...roomsWithCode,
        get: { summary: 'App secret: the room’s bans in force, newest first', security: appSecret, responses: { '200': ok('The bans', toJson(z.strictObject({ bans: z.array(ban) }))), ...errors(401, 403, 404, 429) } },
      },
      '/v1/rooms/{code}/reports': {
        ...roomsWithCode,
        get: {
          summary: 'App secret: the room’s reported messages awaiting a decision, whole (hidden ones too)',
          security: appSecret,
          responses: { '200': ok('The reports queue', toJson(z.strictObject({ reports: z.array(reportSummary) }))), ...errors(401, 403, 404, 429) },
        },
      },
      '/v1/rooms/{code}/reports/{id}': {
        parameters: [codeParam, idParam],
        post: {
          summary: 'App secret: decide on a reported message: `keep` shows it again, `remove` deletes it',
          security: appSecret,
          requestBody: { required: true, ...json(toJson(schemas.reportDecision, 'input')) },
          responses: { '200': ok('The decision’s log entry (unhide or delete)', toJson(z.strictObject({ entry: z.union([moderationEntry, deleteEntry]) }))), ...errors(400, 401, 403, 404, 429) },
        },
      },
      '/v1/audit': {
        get: {
          summary: 'App secret: the app’s moderation audit trail (or one room’s, `room`), newest first; page with `before` (an entry id)',
          security: appSecret,
          parameters: query(schemas.auditQuery),
          responses: { '200': ok('A page of the trail', toJson(auditPage)), ...errors(400, 401, 403, 404, 429) },
        },
      },
      '/v1/webhooks': {
        post: {
          summary: 'App secret: add a webhook endpoint; the answer is the only time its signing secret is shown (docs/webhooks.md)',
          security: appSecret,
          requestBody: { required: true, ...json(toJson(webhookSchemas.newEndpoint, 'input')) },
          responses: { '201': ok('The endpoint, with its secret', toJson(z.strictObject({ endpoint: webhookEndpoint.extend({ secret: z.string() }) }))), ...errors(400, 401, 403, 429) },
        },
        get: { summary: 'App secret: the app’s webhook endpoints, without secrets', security: appSecret, responses: { '200': ok('The endpoints', toJson(z.strictObject({ endpoints: z.array(webhookEndpoint) }))), ...errors(401, 403, 429) } },
      },
      '/v1/webhooks/{id}': {
        parameters: [idParam],
        delete: { summary: 'App secret: delete a webhook endpoint, with its queue and log', security: appSecret, responses: { '200': ok('Deleted', toJson(z.strictObject({ deleted: z.string() }))), ...errors(401, 403, 404, 429) } },
      },
      '/v1/webhooks/{id}/deliveries': {
        parameters: [idParam],
        get: {
          summary: 'App secret: the endpoint’s latest delivery attempts, newest first (kept: webhookLogPerEndpoint)',
          security: appSecret,
          parameters: query(webhookSchemas.deliveriesQuery),
          responses: { '200': ok('The attempts', toJson(z.strictObject({ deliveries: z.array(webhookDelivery) }))), ...errors(400, 401, 403, 404, 429) },
        },
      },
      '/v1/webhooks/{id}/ping': {
        parameters: [idParam],
        post: {
          summary: 'App secret: queue a `ping` event for the endpoint (whatever its event types), to test the receiver',
          security: appSecret,
          responses: { '202': ok('Queued', toJson(z.strictObject({ eventId: z.string() }))), ...errors(401, 403, 404, 429) },
        },
      },
      ...adminPaths({ ok, errors, query, toJson: (schema) => toJson(schema) }),
      '/v1/openapi.json': { get: { summary: 'This document', responses: { '200': ok('OpenAPI 3.1', { type: 'object' }) } } },
    },
    components: {
      schemas: components,
      securitySchemes: {
        appSecret: { type: 'http', scheme: 'Roomchat-Secret', description: 'The app secret, from the site’s backend only (docs/api.md#server-to-server)' },
        userToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        adminToken: adminTokenScheme,
      },
      responses: Object.fromEntries([400, 401, 403, 404, 413, 415, 429].map((status) => [`Error${status}`, { description: 'An error: `{ error: { code, message } }` (see docs/api.md for the codes)', ...json(ref('Error')) }])),
    },
  };
}

/** GET /v1/openapi.json, built once. */
export function openApiRouter(schemas: Schemas, limits: ChatServerConfig): Router {
  const router = new Router();
  let document: string | undefined;
  router.get('/v1/openapi.json', (ctx) => {
    document ??= JSON.stringify(openApiDocument(schemas, limits));
    ctx.type = 'application/json';
    ctx.set('Access-Control-Allow-Origin', '*');
    ctx.body = document;
  });
  return router;
}
