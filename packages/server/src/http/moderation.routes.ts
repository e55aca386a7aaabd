import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Chat } from '../chat/chat.js';
import type { Moderator } from '../chat/moderation.js';
import { userMemberId } from '../chat/moderation.js';
import type { ChatServerConfig } from '../config.js';
import type { RoomRecord } from '../rooms.js';
import { parsePayload, type Schemas } from '../schemas.js';
import { requestState, appOnly } from './app.middleware.js';
import { botAuthor } from './rooms.routes.js';

interface Deps {
  chat: Chat;
  schemas: Schemas;
  config: ChatServerConfig;
}

/**
 * The moderation API of an app's backend and admin page, with `Authorization: Roomchat-Secret
 * <app secret>` (docs/moderation.md#server-to-server): the same actions as `room:moderate`, taken
 * as an admin of the app (under the app's name as a bot), the room's owner, its bans, its reports
 * queue, and the app's audit trail.
 */
export function moderationRouter({ chat, schemas, config }: Deps): Router {
  const router = new Router({ prefix: '/v1' });
  const json = bodyParser({ enableTypes: ['json'], jsonLimit: config.httpJsonMaxBytes, encoding: 'utf-8' });
  router.use(appOnly);

  const roomOf = (ctx: { params: Record<string, string>; ip: string; state: unknown }) =>
    chat.openRoom(ctx.params.code!, ctx.ip, undefined, requestState(ctx as never).app.id);
  /** The app's backend as a moderator: an admin of every room of its app. */
  const asAdmin = (ctx: { state: unknown }, room: RoomRecord): Moderator => {
    const { app } = requestState(ctx as never);
    return { room, actor: botAuthor(app.id, app.name), role: 'admin' };
  };

  router.post('/rooms/:code/moderation', json, async (ctx) => {
    const room = await roomOf(ctx);
    const request = parsePayload(schemas.moderation, ctx.request.body ?? {});
    ctx.body = { entry: await chat.moderation.act(asAdmin(ctx, room), request) };
  });

  // An app room's owner is a user the app names (a code room's is its creator).
  router.put('/rooms/:code/owner', json, async (ctx) => {
    const room = await roomOf(ctx);
    const { userId } = parsePayload(schemas.roomOwner, ctx.request.body ?? {});
    const memberId = userMemberId(room.appId, userId);
    await chat.moderation.act(asAdmin(ctx, room), { action: 'role', memberId, role: 'owner' });
    ctx.body = { owner: { userId, memberId } };
  });

  router.get('/rooms/:code/bans', async (ctx) => {
    ctx.body = { bans: await chat.moderation.bans(await roomOf(ctx)) };
  });

  router.get('/rooms/:code/reports', async (ctx) => {
    ctx.body = { reports: await chat.reports.queue(await roomOf(ctx), config.moderationPageSize) };
  });

  router.post('/rooms/:code/reports/:id', json, async (ctx) => {
    const room = await roomOf(ctx);
    const { decision } = parsePayload(schemas.reportDecision, ctx.request.body ?? {});
    ctx.body = { entry: await chat.reports.decide(asAdmin(ctx, room), ctx.params.id!, decision) };
  });

  router.get('/audit', async (ctx) => {
    const { app } = requestState(ctx);
    const { before, room: code } = parsePayload(schemas.auditQuery, ctx.query);
    const room = code === undefined ? undefined : await chat.openRoom(code, ctx.ip, undefined, app.id);
    ctx.body = await chat.audit.page(app.id, { roomId: room?.id, before, limit: config.moderationPageSize });
  });

  return router;
}
