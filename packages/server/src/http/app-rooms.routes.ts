import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import { ErrorCode } from '@roomchat/protocol';
import type { Chat } from '../chat/chat.js';
import type { ChatServerConfig } from '../config.js';
import { ChatError } from '../errors.js';
import type { RoomRecord } from '../rooms.js';
import { parsePayload, type Schemas } from '../schemas.js';
import { requestState, appOnly } from './app.middleware.js';
import { appActor, botAuthor } from './rooms.routes.js';

interface Deps {
  chat: Chat;
  schemas: Schemas;
  config: ChatServerConfig;
}

/**
 * The routes only a site's backend may call, with `Authorization: Roomchat-Secret <app secret>`
 * (docs/api.md#server-to-server): rooms by key, open or private; the users of a private room;
 * deleting any message. Reading history and posting as a bot use the rooms routes, with the secret.
 */
export function appRoomsRouter({ chat, schemas, config }: Deps): Router {
  const router = new Router({ prefix: '/v1/rooms' });
  const json = bodyParser({ enableTypes: ['json'], jsonLimit: config.httpJsonMaxBytes, encoding: 'utf-8' });
  router.use(appOnly);

  /** A room of the request's app, by code; the app's own, so no private list applies. */
  const roomOf = (ctx: { params: Record<string, string>; ip: string; state: unknown }) =>
    chat.openRoom(ctx.params.code!, ctx.ip, undefined, requestState(ctx as never).app.id);

  // PUT: the site says which room should exist under its key; calling it again changes nothing.
  router.put('/by-key/:key', json, async (ctx) => {
    const { app } = requestState(ctx);
    const key = parsePayload(schemas.roomKey, ctx.params.key);
    const wanted = parsePayload(schemas.appRoom, ctx.request.body ?? {});
    if (wanted.members?.length && !wanted.private)
      throw new ChatError(ErrorCode.INVALID_PAYLOAD, 'members are listed for a private room only: add "private": true');
    const existing = await chat.rooms.findByKey(key, app.id);
    const room = existing ?? (await chat.createKeyedRoom(app.id, key, wanted));
    ctx.status = existing ? 200 : 201;
    ctx.body = { room: await describe(room) };
  });

  router.post('/:code/members', json, async (ctx) => {
    const room = privateRoom(await roomOf(ctx));
    const { users } = parsePayload(schemas.roomUsers, ctx.request.body ?? {});
    await chat.access.add(room, users);
    ctx.body = { members: await chat.access.members(room) };
  });

  router.delete('/:code/members/:user', async (ctx) => {
    const room = privateRoom(await roomOf(ctx));
    await chat.removeUsers(room, [ctx.params.user!]);
    ctx.body = { members: await chat.access.members(room) };
  });

  router.delete('/:code/messages/:id', async (ctx) => {
    const { app } = requestState(ctx);
    const room = await roomOf(ctx);
    const id = ctx.params.id!;
    if (!/^\d{1,18}$/.test(id)) throw new ChatError(ErrorCode.MESSAGE_NOT_FOUND, 'No message has that id');
    const { stored } = await chat.change(appActor(room, botAuthor(app.id, app.name), app.id), room.code, { kind: 'delete', id });
    ctx.body = { entry: await stored };
  });

  const describe = async (room: RoomRecord) => ({
    code: room.code,
    key: room.key,
    private: room.private === true,
    ...(room.private ? { members: await chat.access.members(room) } : {}),
    createdAt: room.createdAt,
  });

  return router;
}

/** The room, when it is private: an open room has no list of users to change. */
function privateRoom(room: RoomRecord): RoomRecord {
  if (!room.private) throw new ChatError(ErrorCode.INVALID_PAYLOAD, 'This room is open to everyone: only private rooms have members to add or remove');
  return room;
}
