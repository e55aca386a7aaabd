import Router from '@koa/router';
import { z } from 'zod';
import { ErrorCode, IMAGE_TYPES, type ChatMessage, type ErrorPayload, type HistoryPage, type ImageInfo, type Member, type SearchPage } from '@roomchat/protocol';
import type { Schemas } from '../schemas.js';

/**
 * The REST API as an OpenAPI 3.1 document, served at GET /v1/openapi.json. Requests are described
 * by the very schemas that validate them (schemas.ts); responses by the schemas below, typed
 * against @roomchat/protocol, and a test checks real responses against them
 * (openapi.test.ts). Converted with zod's own JSON Schema output (zod 4), whose draft 2020-12 is the
 * dialect of OpenAPI 3.1: no generator to depend on.
 */
const member = z.strictObject({ id: z.string(), name: z.string() }) satisfies z.ZodType<Member>;
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
}) satisfies z.ZodType<ChatMessage>;
const change = { id: z.string(), roomCode: z.string(), seq: z.number().int(), author: z.string(), authorId: z.string().optional(), target: z.string(), createdAt: time };
const logEntry = z.union([
  chatMessage,
  z.strictObject({ ...change, kind: z.literal('edit'), text: z.string().optional() }),
  z.strictObject({ ...change, kind: z.literal('delete') }),
  z.strictObject({ ...change, kind: z.literal('reaction'), emoji: z.string(), on: z.boolean(), count: z.number().int() }),
]);
const historyPage = z.strictObject({ messages: z.array(logEntry), hasMore: z.boolean() }) satisfies z.ZodType<HistoryPage>;
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
const deleteEntry = z.strictObject({ id: z.string(), roomCode: z.string(), seq: z.number().int(), author: z.string(), authorId: z.string().optional(), target: z.string(), createdAt: time, kind: z.literal('delete') });

type Json = Record<string, unknown>;

/** Builds the document from the server's request schemas (their limits are the configured ones). */
export function openApiDocument(schemas: Schemas): Json {
  const registry = z.registry<{ id: string }>();
  const named = { Member: member, ImageInfo: imageInfo, ChatMessage: chatMessage, LogEntry: logEntry, HistoryPage: historyPage, SearchPage: searchPage, Error: errorBody };
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
      '/v1/openapi.json': { get: { summary: 'This document', responses: { '200': ok('OpenAPI 3.1', { type: 'object' }) } } },
    },
    components: {
      schemas: components,
      securitySchemes: {
        appSecret: { type: 'http', scheme: 'Roomchat-Secret', description: 'The app secret, from the site’s backend only (docs/api.md#server-to-server)' },
        userToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      },
      responses: Object.fromEntries([400, 401, 403, 404, 413, 415, 429].map((status) => [`Error${status}`, { description: 'An error: `{ error: { code, message } }` (see docs/api.md for the codes)', ...json(ref('Error')) }])),
    },
  };
}

/** GET /v1/openapi.json, built once. */
export function openApiRouter(schemas: Schemas): Router {
  const router = new Router();
  let document: string | undefined;
  router.get('/v1/openapi.json', (ctx) => {
    document ??= JSON.stringify(openApiDocument(schemas));
    ctx.type = 'application/json';
    ctx.set('Access-Control-Allow-Origin', '*');
    ctx.body = document;
  });
  return router;
}
