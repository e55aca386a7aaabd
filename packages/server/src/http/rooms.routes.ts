import Router from '@koa/router';
import type { Context } from 'koa';
import { bodyParser } from '@koa/bodyparser';
import { BOT_AUTHOR_PREFIX, ErrorCode } from '@roomchat/protocol';
import { mayCreateRooms } from '../auth/apps.js';
import { publicMemberId, verifiedMember } from '../auth/members.js';
import type { Actor, IdentifiedAuthor } from '../chat/actor.js';
import type { Chat } from '../chat/chat.js';
import type { ChatServerConfig } from '../config.js';
import { ChatError } from '../errors.js';
import type { RoomRecord } from '../rooms.js';
import { parsePayload, type Schemas } from '../schemas.js';
import { requestState, requireGuestsOrUser } from './app.middleware.js';

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

  // Every route works within the request's app (Roomchat-App), like the socket's.
  router.post('/', json, async (ctx) => {
    const { app, identity } = requestState(ctx);
    if (!requestState(ctx).asApp && !mayCreateRooms(app, identity)) {
      throw new ChatError(ErrorCode.FORBIDDEN, app.settings.roomCreation === 'none' ? 'Rooms of this app are created by its site' : 'Only signed-in users may create rooms here');
    }
    // The body is optional: no body creates a room without a title.
    const { title } = parsePayload(schemas.restRoomCreate, ctx.request.body ?? {});
    const room = await chat.createRoom(ctx.ip, app.id, title, identity ? verifiedMember(app, identity).id : undefined);
    ctx.status = 201;
    ctx.body = { room: { code: room.code, ...titled(room), createdAt: room.createdAt } };
  });

  /** The request's room by code, within its app, once its user may enter it (a private room's list). */
  const open = async (ctx: Context & { params: Record<string, string> }) => {
    const state = requestState(ctx);
    requireGuestsOrUser(state);
    const room = await chat.openRoom(ctx.params.code!, ctx.ip, undefined, state.app.id);
    // The app's backend reads and posts in any room of its app, private ones too.
    if (!state.asApp) await chat.access.check(room, state.identity);
    return room;
  };

  router.get('/:code', async (ctx) => {
    const room = await open(ctx);
    ctx.body = { room: { code: room.code, ...titled(room), createdAt: room.createdAt, members: await chat.moderation.withRoles(room, await chat.presence.list(room)) } };
  });

  router.get('/:code/messages', async (ctx) => {
    const room = await open(ctx);
    // Hidden messages are whole for the app's backend only (docs/moderation.md#reports).
    ctx.body = await chat.history(room, parsePayload(schemas.historyQuery, ctx.query), undefined, requestState(ctx).asApp ? 'admin' : 'member');
  });

  router.get('/:code/search', async (ctx) => {
    const room = await open(ctx);
    const { q, before } = parsePayload(schemas.searchQuery, ctx.query);
    ctx.body = await chat.search(room, q, before, ctx.ip, undefined, requestState(ctx).asApp ? 'admin' : 'member');
  });

  router.post('/:code/messages', json, async (ctx) => {
    const { app, identity, asApp } = requestState(ctx);
    if (!identity && !asApp && !app.settings.anonymousRestPosting) {
      throw new ChatError(ErrorCode.AUTH_REQUIRED, 'This app does not take anonymous posts: send Authorization: Bearer <token>');
    }
    const room = await open(ctx);
    const { name, ...content } = parsePayload(schemas.restMessage, ctx.request.body);
    // A verified user posts under its token's name and its member id, as over its socket; the
    // app's backend as a bot of the name it gives, marked as one.
    const poster = asApp ? appActor(room, botAuthor(app.id, name), app.id) : httpPoster(room, identity ? verifiedMember(app, identity) : { name }, ctx.ip);
    const { stored } = await chat.send(poster, { code: room.code, ...content });
    ctx.status = 201;
    ctx.body = { message: await stored };
  });

  return router;
}

/** The room's title as the API shows it: absent when it has none. */
const titled = (room: RoomRecord) => (room.title ? { title: room.title } : {});
/** A bot of the app, by name: one author id per app and name, which no member's id can be (BOT_AUTHOR_PREFIX). */
export function botAuthor(appId: string, name: string): IdentifiedAuthor {
  return { name, id: `${BOT_AUTHOR_PREFIX}${publicMemberId(`bot:${appId}:${name}`)}` };
}

/** The app's backend acting in one of its rooms: budgeted per app, a moderator of its rooms. */
export function appActor(room: RoomRecord, author: { name: string; id: string }, appId: string): Actor {
  return { membership: () => ({ room, member: author }), budget: { own: `app:${appId}` }, moderator: true, asApp: true };
}

/**
 * An HTTP client posting to the room it opened by code (the code is its capability), under the
 * name it gives, with no member id; budgeted by its address like one connection (`ip:` key).
 */
function httpPoster(room: RoomRecord, member: { name: string; id?: string; verified?: boolean }, address: string): Actor {
  return { membership: () => ({ room, member: { name: member.name, id: member.id, verified: member.verified } }), budget: { own: `ip:${address}` } };
}
