import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Chat } from '../chat.js';
import type { ChatServerConfig } from '../config.js';
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

  router.post('/', async (ctx) => {
    const room = await chat.createRoom(ctx.ip);
    ctx.status = 201;
    ctx.body = { room: { code: room.code, createdAt: room.createdAt } };
  });

  router.get('/:code', async (ctx) => {
    const room = await chat.openRoom(ctx.params.code!, ctx.ip);
    ctx.body = { room: { code: room.code, createdAt: room.createdAt, members: await chat.presence.list(room) } };
  });

  router.get('/:code/messages', async (ctx) => {
    const room = await chat.openRoom(ctx.params.code!, ctx.ip);
    ctx.body = await chat.history(room, parsePayload(schemas.historyQuery, ctx.query));
  });

  router.post('/:code/messages', json, async (ctx) => {
    const room = await chat.openRoom(ctx.params.code!, ctx.ip);
    const { name, ...content } = parsePayload(schemas.restMessage, ctx.request.body);
    await chat.rateLimits.messages.consume(`ip:${ctx.ip}`);
    ctx.status = 201;
    ctx.body = { message: await chat.send(room, { author: name, ...content }) };
  });

  return router;
}
