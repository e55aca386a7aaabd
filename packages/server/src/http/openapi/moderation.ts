// Moderation routes (docs/moderation.md#server-to-server): the app's backend and its admin page.
import { z } from 'zod';
import type { Schemas } from '../../schemas.js';
import type { DocKit, Paths } from './kit.js';
import { chatMessage, deleteEntry, moderationEntry, time } from './schemas.js';

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

export function moderationPaths(schemas: Schemas, { toJson, json, ok, errors, query, codeParam, idParam, roomsWithCode, appSecret }: DocKit): Paths {
  return {
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
  };
}
