import type { RoomEvent, RoomEventSubscriber } from '../chat/events.js';
import type { RoomRecord } from '../rooms.js';
import type { RedisClient } from '../redis.js';
import { DIRECT_KEY_PREFIX, type ChatMessage } from '@roomchat/protocol';
import { channelOf, memberChannel, type ChatIo } from './socket-types.js';

/**
 * Closes the connections of users removed from a private room, on every node: a connection's
 * memberships live in its own node's memory, so closing it is what reaches a remote one. The
 * client reconnects at once and re-joins its rooms; the private room then refuses it (FORBIDDEN).
 */
async function disconnectUsers(io: ChatIo, room: RoomRecord, users: readonly string[]): Promise<void> {
  try {
    for (const socket of await io.in(channelOf(room)).fetchSockets()) {
      const { identity, app } = socket.data;
      if (identity && app?.id === room.appId && users.includes(identity.sub)) socket.disconnect(true);
    }
  } catch {
    // Redis down: the removed user keeps its connection until it reconnects, and is refused then.
  }
}

/**
 * The socket fan-out: a subscriber to room events that emits each to the room's connections, on
 * every node when there is a Redis. While Redis is down, the cluster adapter would hold even this
 * node's broadcast until it returns (it awaits the stream write first), so this node's clients get
 * it at once with `local`; clients of other nodes miss it and fetch it by sequence number (the
 * SDK's gap backfill).
 */
/**
 * Tells the members of a direct room who have not joined it (on this connection) of a message, so
 * that their conversation list shows it as unread: to their member channels, except the
 * connections in the room, which get the message itself.
 */
async function tellDirectMembers(io: ChatIo, event: Extract<RoomEvent, { type: 'entry-appended' }>, directMemberIds: DirectMemberIds): Promise<void> {
  const message = event.entry as ChatMessage;
  if (message.kind !== 'text' && message.kind !== 'image') return;
  const ids = await directMemberIds(event.room);
  if (ids.length === 0) return;
  for (const memberId of ids) {
    io.to(memberChannel(event.room.appId, memberId)).except(channelOf(event.room)).emit('direct:message', { roomCode: event.room.code, message, memberId });
  }
}

/** The member ids of a direct room (none for another room): chat/conversations.ts. */
export type DirectMemberIds = (room: RoomRecord) => Promise<string[]>;

export function socketFanOut(io: ChatIo, redis?: RedisClient, directMemberIds?: DirectMemberIds): RoomEventSubscriber {
  // The connection whose request made the change is left out: its answer carries it (a packet fewer).
  const to = (room: RoomRecord, origin: string | undefined) => {
    const operator = (redis && !redis.isReady ? io.local : io).to(channelOf(room));
    return origin === undefined ? operator : operator.except(origin);
  };
  return (event: RoomEvent) => {
    switch (event.type) {
      case 'entry-appended':
        if (directMemberIds && event.room.key?.startsWith(DIRECT_KEY_PREFIX)) void tellDirectMembers(io, event, directMemberIds).catch(() => undefined);
        return to(event.room, event.origin).emit('message:created', event.entry);
      case 'member-joined':
        return to(event.room, event.origin).emit('member:joined', { roomCode: event.room.code, member: event.member });
      case 'member-left':
        return to(event.room, undefined).emit('member:left', { roomCode: event.room.code, member: event.member });
      case 'member-typing':
        // Volatile: a typing signal is worth nothing late, so a busy connection may drop it.
        return to(event.room, event.origin).volatile.emit('member:typing', { roomCode: event.room.code, member: event.member });
      case 'read-moved':
        return to(event.room, undefined).emit('read:updated', { roomCode: event.room.code, memberId: event.memberId, seq: event.seq });
      case 'users-removed':
        return void disconnectUsers(io, event.room, event.users);
    }
  };
}
