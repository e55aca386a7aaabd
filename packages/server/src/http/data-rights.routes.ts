import { Readable } from 'node:stream';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import { publicMemberId } from '../auth/members.js';
import type { Chat } from '../chat/chat.js';
import type { ChatServerConfig } from '../config.js';
import type { Database } from '../db.js';
import { roomEntryLines } from '../exports.js';
import { roomRetention, setRoomRetention } from '../rooms.js';
import { parsePayload, type Schemas } from '../schemas.js';
import { requestState, appOnly } from './app.middleware.js';
import { botAuthor } from './rooms.routes.js';

interface Deps {
  chat: Chat;
  db: Database;
  schemas: Schemas;
  config: ChatServerConfig;
}

/**
 * Retention and data rights, for a site's backend with its app secret (docs/operating.md#retention,
 * #export, #erase): a room's own retention period, a room's export as JSON lines, and erasing
 * everything a user (or a guest member of a room) wrote.
 */
export function dataRightsRouter({ chat, db, schemas, config }: Deps): Router {
  const router = new Router({ prefix: '/v1' });
  const json = bodyParser({ enableTypes: ['json'], jsonLimit: config.httpJsonMaxBytes, encoding: 'utf-8' });
  router.use(appOnly);
  /** A room of the request's app, by code: another app's is as unknown as none. */
  const roomOf = (ctx: { params: Record<string, string>; ip: string; state: unknown }) =>
    chat.openRoom(ctx.params.code!, ctx.ip, undefined, requestState(ctx as never).app.id);

  router.put('/rooms/:code/retention', json, async (ctx) => {
    const room = await roomOf(ctx);
    const { days } = parsePayload(schemas.roomRetention, ctx.request.body ?? {});
    await setRoomRetention(db, room, days);
    ctx.body = { retentionDays: await roomRetention(db, room), appRetentionDays: requestState(ctx).app.settings.retentionDays ?? null };
  });

  // Streamed a page at a time (exportPageSize entries), so a big room costs no more memory than a small one.
  router.get('/rooms/:code/export', async (ctx) => {
    const room = await roomOf(ctx);
    ctx.type = 'application/x-ndjson';
    ctx.set('Content-Disposition', `attachment; filename="${room.code}.jsonl"`);
    ctx.body = Readable.from(roomEntryLines(chat.messages, room, config.exportPageSize));
  });

  router.delete('/users/:user/messages', async (ctx) => {
    const { app } = requestState(ctx);
    const sub = parsePayload(schemas.userId, ctx.params.user);
    // A verified user's member id, as verifiedMember gives it: one per app and sub.
    const authorId = publicMemberId(`user:${app.id}:${sub}`);
    ctx.body = { erased: await chat.eraseAuthor({ appId: app.id, authorId, by: botAuthor(app.id, app.name) }) };
  });

  router.delete('/rooms/:code/members/:member/messages', async (ctx) => {
    const { app } = requestState(ctx);
    const room = await roomOf(ctx);
    const authorId = parsePayload(schemas.memberId, ctx.params.member);
    ctx.body = { erased: await chat.eraseAuthor({ appId: app.id, authorId, room, by: botAuthor(app.id, app.name) }) };
  });

  return router;
}
