import type { Logger } from 'pino';
import { ErrorCode, normalizeRoomCode, type Member } from '@roomchat/protocol';
import { mayCreateRooms } from '../auth/apps.js';
import { principalOf, publicMemberId, verifiedMember } from '../auth/members.js';
import { verifyToken, type Identity, type TokenLimits } from '../auth/tokens.js';
import type { Actor, Queued } from '../chat/actor.js';
import type { ChangeRequest } from '../chat/changes.js';
import type { Chat } from '../chat/chat.js';
import { ChatError } from '../errors.js';
import { connectionKey } from '../rate-limits.js';
import type { RoomRecord } from '../rooms.js';
import type { Schemas } from '../schemas.js';
import { answerUnknownEvents, handle } from './handle.js';
import { handleModeration } from './moderation.js';
import { channelOf, memberChannel, type ChatSocket } from './socket-types.js';

interface Deps {
  chat: Chat;
  schemas: Schemas;
  log: Logger;
  /** Rooms one connection may be in at once. */
  roomsPerConnection: number;
  /** Told how long each message:send took to its ack, in seconds (the metrics' histogram). */
  observeAck?: ((seconds: number) => void) | undefined;
  /** How tokens given to `auth:refresh` are checked. */
  tokenLimits: TokenLimits;
  /** Reported messages one `report:list` answers with. */
  moderationPageSize: number;
}


/**
 * Who a connection joins rooms as: a verified user is one member per app and `sub` (all its tabs
 * and devices), named by its token; a guest is named by itself, one member per private memberId.
 */
function memberFor(socket: ChatSocket, name: string | undefined, memberId: string | undefined): Member {
  const { identity, app } = socket.data;
  // An app admin (token role `admin`) is one in every room of the app: its member says so.
  if (identity) return identity.roles.includes('admin') ? { ...verifiedMember(app, identity), role: 'admin' } : verifiedMember(app, identity);
  if (name === undefined) throw new ChatError(ErrorCode.NAME_INVALID, 'Pick a name');
  return { id: publicMemberId(memberId ?? socket.id), name };
}

/** Wires one connection's events: rooms (create, join, leave) and messages (send, history). */
export function handleConnection(socket: ChatSocket, { chat, schemas, log, roomsPerConnection, observeAck, tokenLimits, moderationPageSize }: Deps): void {
  socket.data.memberships = new Map();
  const address = socket.data.address;
  const app = socket.data.app;
  const { rateLimits } = chat;

  /**
   * A join may store and broadcast a line (and so may the leave that can follow it), so joins are
   * budgeted like messages. Leaving is free: a member must always be able to go.
   */
  const spendJoin = async () => {
    await rateLimits.joins.consume(connectionKey(socket.id));
    await rateLimits.joinsPerAddress.consume(address);
  };

  const enter = async (room: RoomRecord, name: string | undefined, memberId: string | undefined) => enterAs(room, memberFor(socket, name, memberId));
  const enterAs = async (room: RoomRecord, member: Member) => {
    const joined = socket.data.memberships.get(room.code);
    if (!joined && socket.data.memberships.size >= roomsPerConnection) {
      throw new ChatError(ErrorCode.TOO_MANY_ROOMS, `A connection can be in at most ${roomsPerConnection} rooms; leave one first`);
    }
    // A connection joins a room as one member; joining again (e.g. after a reconnect) keeps it.
    if (joined) member.id = joined.member.id;
    // A guest is admitted to a private room by its member id: the direct rooms it opened from a member list.
    await chat.access.check(room, socket.data.identity ?? { sub: principalOf(member) });
    // The member's channel carries news of its direct conversations ('direct:message').
    await socket.join([channelOf(room), memberChannel(app.id, member.id)]);
    const snapshot = await chat.join(room, member, socket.id);
    socket.data.memberships.set(room.code, { room, member: snapshot.self });
    return { room: snapshot };
  };

  const membership = (code: string) => {
    const joined = socket.data.memberships.get(normalizeRoomCode(code));
    if (!joined) throw new ChatError(ErrorCode.NOT_A_MEMBER, 'Join the room first');
    return joined;
  };
  /** The connection's role in a room it joined: an app admin's from its token, the others' from the room's rules. */
  const roleIn = (room: RoomRecord, memberId: string) => chat.rules.roleOf(room.id, memberId, socket.data.identity?.roles.includes('admin') === true);
  const memberIn = (room: RoomRecord) => [...socket.data.memberships.values()].find((m) => m.room.id === room.id)?.member.id;
  /** This connection as the use cases see it: a member of the rooms it joined, budgeted per connection and per address. */
  const actor: Actor = {
    membership,
    budget: { own: connectionKey(socket.id), address },
    connectionId: socket.id,
    get admin() {
      return socket.data.identity?.roles.includes('admin') === true;
    },
    role: (room) => {
      const memberId = memberIn(room);
      return memberId === undefined ? Promise.resolve('member') : roleIn(room, memberId);
    },
  };

  handle(socket, 'room:create', schemas.roomCreate, async ({ name, memberId, title }) => {
    if (!mayCreateRooms(app, socket.data.identity)) {
      throw new ChatError(ErrorCode.FORBIDDEN, app.settings.roomCreation === 'none' ? 'Rooms of this app are created by its site' : 'Only signed-in users may create rooms here');
    }
    const creator = memberFor(socket, name, memberId); // a guest without a name is refused before a room exists
    await spendJoin();
    const room = await chat.createRoom(address, app.id, title, creator.id);
    return enter(room, name, memberId);
  }, log);

  handle(socket, 'room:join', schemas.roomJoin, async ({ code, name, memberId }) => {
    const returning = memberFor(socket, name, memberId).id;
    await spendJoin();
    // A member of the room may come back even while its address is locked out for guessing codes.
    const room = await chat.openRoom(code, address, memberId === undefined && !socket.data.identity ? undefined : returning, app.id);
    return enter(room, name, memberId);
  }, log);

  // A site's room per page: no code to share, the key names it within the app.
  handle(socket, 'room:open', schemas.roomOpen, async ({ key, name, memberId }) => {
    memberFor(socket, name, memberId); // a guest without a name is refused before a room exists
    await spendJoin();
    const room = await chat.openKeyedRoom(key, address, app.id, mayCreateRooms(app, socket.data.identity));
    return enter(room, name, memberId);
  }, log);

  // Direct conversations by user id are a verified user's: a guest has no id to be found by.
  const user = () => {
    const { identity } = socket.data;
    if (!identity) throw new ChatError(ErrorCode.AUTH_REQUIRED, 'Direct conversations are for signed-in users: connect with a token');
    return identity;
  };

  handle(socket, 'direct:open', schemas.directOpen, async ({ userId, memberId }) => {
    const me = user();
    await spendJoin();
    const room = await chat.conversations.openDirect(app, me.sub, userId, mayCreateRooms(app, me));
    return enter(room, undefined, memberId);
  }, log);

  // From a room's member list, guests included: the two are who they are in that room.
  handle(socket, 'direct:member', schemas.directMember, async ({ code, member: otherId }) => {
    const { room: via, member: me } = membership(code);
    if (otherId === me.id) throw new ChatError(ErrorCode.INVALID_PAYLOAD, 'A direct conversation is with another member');
    const other = (await chat.presence.list(via)).find((m) => m.id === otherId);
    if (!other) throw new ChatError(ErrorCode.MEMBER_NOT_FOUND, 'That member is not in this room (any more)');
    await spendJoin();
    const room = await chat.conversations.openDirect(app, principalOf(me), principalOf(other), mayCreateRooms(app, socket.data.identity));
    return enterAs(room, { ...me });
  }, log);

  handle(socket, 'room:list', schemas.roomList, async ({ memberIds }) => {
    const { identity } = socket.data;
    await rateLimits.roomLists.consume(address);
    // A guest names the private member ids it joins with: only their holder can list their rooms.
    const listers = identity
      ? [{ principal: identity.sub, memberId: verifiedMember(app, identity).id }]
      : [...new Set(memberIds ?? [])].map((id) => {
          const memberId = publicMemberId(id);
          return { principal: principalOf({ id: memberId }), memberId };
        });
    return { rooms: await chat.conversations.list(app, listers) };
  }, log);

  handle(socket, 'room:leave', schemas.roomLeave, async ({ code }) => {
    const { room, member } = membership(code);
    // With the codes it had before a rotation, if any.
    for (const [c, m] of socket.data.memberships) if (m.room.id === room.id) socket.data.memberships.delete(c);
    await socket.leave(channelOf(room));
    if (![...socket.data.memberships.values()].some((m) => m.member.id === member.id)) await socket.leave(memberChannel(app.id, member.id));
    await chat.leave(room, member.id, socket.id, true);
    return {};
  }, log);

  // A connection's messages and changes (edits, deletes, reactions) are queued for storing in the
  // order they arrived: each is checked (membership, rate limit, image, target) once the one before
  // it is queued. Not once it is stored: then each of the connection's messages would wait for a
  // commit of its own, and on a busy server, where a loop turn serves every sender, the wait would
  // grow with the number of senders. In order too, an edit of a message just sent finds it, and a
  // reaction and its removal stay in order.
  let queued: Promise<unknown> = Promise.resolve();
  const inOrder = <T>(step: () => Promise<Queued<T>>): Promise<T> => {
    const next = queued.then(step);
    queued = next.catch(() => undefined);
    return next.then(({ stored }) => stored);
  };
  handle(socket, 'message:send', schemas.messageSend, async (request) => {
    const started = performance.now();
    const message = await inOrder(() => chat.send(actor, request));
    observeAck?.((performance.now() - started) / 1000);
    return { message };
  }, log);

  handle(socket, 'message:history', schemas.messageHistory, async ({ code, ...query }) => {
    const { room, member } = membership(code);
    return chat.history(room, query, member.id, await roleIn(room, member.id));
  }, log);

  handle(socket, 'message:search', schemas.messageSearch, async ({ code, query, before }) => {
    const { room, member } = membership(code);
    return chat.search(room, query, before, address, member.id, await roleIn(room, member.id));
  }, log);

  const change = <R extends ChangeRequest>(code: string, request: R) => inOrder(() => chat.change(actor, code, request));
  handle(socket, 'message:edit', schemas.messageEdit, async ({ code, id, text }) => ({ entry: await change(code, { kind: 'edit', id, text }) }), log);
  handle(socket, 'message:delete', schemas.messageDelete, async ({ code, id }) => ({ entry: await change(code, { kind: 'delete', id }) }), log);
  const react = (on: boolean) => async ({ code, id, emoji }: { code: string; id: string; emoji: string }) => ({
    entry: await change(code, { kind: 'reaction', id, emoji, on }),
  });
  handle(socket, 'reaction:add', schemas.reaction, react(true), log);
  handle(socket, 'reaction:remove', schemas.reaction, react(false), log);

  // Ephemeral: broadcast to the room, never stored (habit 13), and budgeted per connection.
  handle(socket, 'typing:start', schemas.typing, async ({ code }) => {
    const { room, member } = membership(code);
    await rateLimits.typing.consume(socket.id);
    chat.typing(room, member, socket.id);
    return {};
  }, log);

  handle(socket, 'read:mark', schemas.readMark, async ({ code, seq }) => {
    const { room, member } = membership(code);
    await rateLimits.readMarks.consume(socket.id);
    return { seq: await chat.markRead(room, member.id, seq) };
  }, log);

  // The token's expiry closes the connection unless a refresh came first: the client reconnects
  // with a fresh token (the SDK's getToken) or learns AUTH_EXPIRED from the handshake.
  let expiry: NodeJS.Timeout | undefined;
  const expireAt = (identity: Identity) => {
    clearTimeout(expiry);
    const delay = identity.expiresAt + tokenLimits.tokenClockToleranceMs - Date.now();
    expiry = setTimeout(() => socket.disconnect(true), Math.min(Math.max(delay, 0), 2 ** 31 - 1));
  };
  if (socket.data.identity) expireAt(socket.data.identity);

  handle(socket, 'auth:refresh', schemas.authRefresh, async ({ token }) => {
    const current = socket.data.identity;
    if (!current) throw new ChatError(ErrorCode.AUTH_INVALID, 'This connection was opened without a token; reconnect with one');
    const next = await verifyToken(app, token, tokenLimits);
    if (next.sub !== current.sub) throw new ChatError(ErrorCode.AUTH_INVALID, 'A refresh must be for the same user (sub)');
    socket.data.identity = next;
    expireAt(next);
    return { expiresAt: new Date(next.expiresAt).toISOString() };
  }, log);

  handleModeration(socket, { chat, schemas, log, membership, roleIn, pageSize: moderationPageSize });

  answerUnknownEvents(socket);

  socket.on('disconnect', (reason, description) => {
    clearTimeout(expiry);
    // A packet over socketMaxPayloadBytes closes the connection before it can be parsed, so there
    // is no ack to answer with (long-polling gets a 413); the operator sees it here.
    if (isOversizedPacket(description)) log.warn({ address, reason }, 'connection closed: a packet was larger than socketMaxPayloadBytes');
    for (const { room, member } of new Map([...socket.data.memberships.values()].map((m) => [m.room.id, m])).values()) {
      chat.leave(room, member.id, socket.id, false).catch((err) => log.error({ err }, 'leave after disconnect failed'));
    }
    socket.data.memberships.clear();
  });
}

/** Whether a disconnect's description is ws's or engine.io's refusal of a packet over the size limit. */
function isOversizedPacket(description: unknown): boolean {
  const error = description as { code?: unknown; message?: unknown } | undefined;
  return error?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' || (typeof error?.message === 'string' && /max payload size exceeded/i.test(error.message));
}
