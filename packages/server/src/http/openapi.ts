import Router from '@koa/router';
import { z } from 'zod';
import type { ChatServerConfig } from '../config.js';
import type { ModerationLimits } from '../moderation/settings.js';
import type { Schemas } from '../schemas.js';
import { appSettingsPaths } from './openapi/app-settings.js';
import { dataRightsPaths } from './openapi/data-rights.js';
import { docKit, type Json } from './openapi/kit.js';
import { moderationPaths } from './openapi/moderation.js';
import { deleteEntry, member, namedSchemas, time } from './openapi/schemas.js';
import { webhookPaths } from './openapi/webhooks.js';
import { adminPaths, adminTokenScheme } from './openapi/admin.js';

/**
 * The REST API as an OpenAPI 3.1 document, served at GET /v1/openapi.json. Requests are described
 * by the very schemas that validate them (schemas.ts); responses by the schemas in openapi/schemas.ts
 * and beside each resource's routes (openapi/*.ts), typed against @roomchat/protocol, and a test checks real responses against them
 * (openapi.test.ts). Converted with zod's own JSON Schema output (zod 4), whose draft 2020-12 is the
 * dialect of OpenAPI 3.1: no generator to depend on.
 */
const room = z.strictObject({ code: z.string(), createdAt: time });
const keyedRoom = z.strictObject({ code: z.string(), key: z.string(), private: z.boolean(), members: z.array(z.string()).optional(), createdAt: time });
const roomUsers = z.strictObject({ members: z.array(z.string()) });

/** Builds the document from the server's request schemas (their limits are the configured ones). */
export function openApiDocument(schemas: Schemas, limits: ModerationLimits): Json {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(namedSchemas)) registry.add(schema, { id });
  const components = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'any' }).schemas;
  for (const schema of Object.values(components)) {
    delete schema.$schema;
    delete schema.$id;
  }
  const kit = docKit();
  const { ref, toJson, json, ok, errors, query, codeParam, idParam, roomsWithCode, appSecret, userParam } = kit;
  // A private room's images: the URL its members are handed carries these (IMAGE_URL_EXPIRED, 403, without them or after exp).
  const signature = [
    { name: 'exp', in: 'query', required: false, description: 'Private rooms: when the URL expires (Unix seconds)', schema: { type: 'string' } },
    { name: 'sig', in: 'query', required: false, description: 'Private rooms: the server’s signature of the path and exp', schema: { type: 'string' } },
  ];
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
      ...appSettingsPaths(kit, limits),
      ...dataRightsPaths(schemas, kit),
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
      ...moderationPaths(schemas, kit),
      ...webhookPaths(kit),
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
