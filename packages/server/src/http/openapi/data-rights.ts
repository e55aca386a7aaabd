// Data rights routes (docs/operating.md#retention): retention, a room's export and erasure.
import { z } from 'zod';
import type { Schemas } from '../../schemas.js';
import type { DocKit, Paths } from './kit.js';

const retention = z.strictObject({ retentionDays: z.number().int().nullable(), appRetentionDays: z.number().int().nullable() });
const erased = z.strictObject({ erased: z.strictObject({ rooms: z.number().int(), messages: z.number().int(), reactions: z.number().int(), renamed: z.number().int() }) });

export function dataRightsPaths(schemas: Schemas, { toJson, json, ok, errors, codeParam, roomsWithCode, appSecret, userParam }: DocKit): Paths {
  return {
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
  };
}
