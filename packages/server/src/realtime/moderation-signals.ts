import type { Logger } from 'pino';
import type { Chat } from '../chat/chat.js';
import type { RoomEvent, RoomEventSubscriber } from '../chat/events.js';
import type { RedisClient } from '../redis.js';
import type { ChatIo, ChatSocket, ModerationSignal } from './socket-types.js';

/**
 * Carries moderation actions to every node, before their log entries are broadcast (the one
 * Redis stream keeps them in order): each node drops its copy of the room's rules (so a
 * mute, a lock, slow mode or a close holds on all of them at once), renames the room in its
 * connections' memberships after a code rotation, and takes removed members' connections out of
 * the room (a kick, a ban, a close), telling each with `room:removed`. A connection's memberships
 * live in its own node's memory, so only that node can do it: the signal goes through Socket.IO's
 * serverSideEmit (the Redis adapter), and this node applies it to itself at once.
 */
export function moderationSignals(io: ChatIo, chat: Chat, log: Logger, redis?: RedisClient): RoomEventSubscriber {
  const apply = (signal: ModerationSignal) => {
    chat.rules.invalidate(signal.roomId);
    const ids = io.of('/').adapter.rooms.get(`room:${signal.roomId}`);
    if (!ids) return;
    for (const id of [...ids]) {
      const socket = io.of('/').sockets.get(id);
      if (socket) applyTo(socket, signal, chat, log);
    }
  };
  if (redis) io.on('room:moderated', apply);
  return (event: RoomEvent) => {
    if (event.type !== 'moderated') return;
    // No undefined fields: the Redis adapter's msgpack turns them into nulls on the other nodes.
    const signal: ModerationSignal = { roomId: event.room.id, ...(event.code ? { code: event.code } : {}), ...(event.removed ? { removed: event.removed } : {}) };
    apply(signal);
    if (!redis) return;
    try {
      io.serverSideEmit('room:moderated', signal);
    } catch (err) {
      // Redis down: the other nodes' copies expire after roomRulesCacheMs; a removed member's
      // connection elsewhere stays until it reconnects, and is refused then (BANNED, ROOM_CLOSED).
      log.warn({ err }, 'could not tell the other nodes of a moderation action');
    }
  };
}

function applyTo(socket: ChatSocket, { roomId, code: newCode, removed }: ModerationSignal, chat: Chat, log: Logger): void {
  // A snapshot: the membership is re-keyed or dropped below, under all its codes, and handled once.
  for (const [code, joined] of [...socket.data.memberships]) {
    if (joined.room.id !== roomId) continue;
    if (typeof newCode === 'string') {
      // The old code stays an alias of this connection's membership: its client may still name
      // the room by it until it has folded the rotation (a request in flight, a catch-up).
      const renamed = { room: { ...joined.room, code: newCode }, member: joined.member };
      socket.data.memberships.set(code, renamed);
      socket.data.memberships.set(newCode, renamed);
    }
    if (removed && (removed.memberIds === 'all' || removed.memberIds.includes(joined.member.id))) {
      const message = typeof removed.message === 'string' && removed.message ? { message: removed.message } : {};
      for (const [c, m] of socket.data.memberships) if (m.room.id === roomId) socket.data.memberships.delete(c);
      void socket.leave(`room:${roomId}`);
      socket.emit('room:removed', { roomCode: joined.room.code, reason: removed.reason, ...message });
      chat.leave(joined.room, joined.member.id, socket.id, true).catch((err) => log.error({ err }, 'could not record a removed member leaving'));
    }
    return;
  }
}
