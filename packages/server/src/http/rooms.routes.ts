import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Actor } from '../chat/actor.js';
import type { Chat } from '../chat/chat.js';
import type { ChatServerConfig } from '../config.js';
import type { RoomRecord } from '../rooms.js';
import { parsePayload, type Schemas } from '../schemas.js';

interface Deps {
  chat: Chat;
  schemas: Schemas;
  config: ChatServerConfig;
}

/**
 * /v1/rooms: create a room, look one up, read and post messages, upload images; for a host's
 * backend or a script that has no socket. The room code is the capability, as in the widget.
 */
export function roomsRouter({ chat, schemas, config }: Deps): Router {
  const router = new Router({ prefix: '/v1/rooms' });
  const json = bodyParser({ enableTypes: ['json'], jsonLimit: config.httpJsonMaxBytes, encoding: 'utf-8' });

  router.post('/', json, async (ctx) => {
    // The body is optional: no body creates a room without a title.
    const { title } = parsePayload(schemas.restRoomCreate, ctx.request.body ?? {});
    const room = await chat.createRoom(ctx.ip, title);
    ctx.status = 201;
    ctx.body = { room: { code: room.code, ...titled(room), createdAt: room.createdAt } };
  });

  router.get('/:code', async (ctx) => {
    const room = await chat.openRoom(ctx.params.code!, ctx.ip);
    ctx.body = { room: { code: room.code, ...titled(room), createdAt: room.createdAt, members: await chat.presence.list(room) } };
  });

  router.get('/:code/messages', async (ctx) => {
    const room = await chat.openRoom(ctx.params.code!, ctx.ip);
    ctx.body = await chat.history(room, parsePayload(schemas.historyQuery, ctx.query));
  });

  router.post('/:code/messages', json, async (ctx) => {
    const room = await chat.openRoom(ctx.params.code!, ctx.ip);
    const { name, ...content } = parsePayload(schemas.restMessage, ctx.request.body);
    const { stored } = await chat.send(httpPoster(room, name, ctx.ip), { code: room.code, ...content });
    ctx.status = 201;
    ctx.body = { message: await stored };
  });

  return router;
}

/** The room's title as the API shows it: absent when it has none. */
const titled = (room: RoomRecord) => (room.title ? { title: room.title } : {});

/**
 * An HTTP client posting to the room it opened by code (the code is its capability), under the
 * name it gives, with no member id; budgeted by its address like one connection (`ip:` key).
 */
function httpPoster(room: RoomRecord, name: string, address: string): Actor {
  return { membership: () => ({ room, member: { name } }), budget: { own: `ip:${address}` } };
}
