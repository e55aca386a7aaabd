import type { Publisher } from '../chat.js';
import type { RoomRecord } from '../rooms.js';
import type { RedisClient } from '../redis.js';
import { channelOf, type ChatIo } from './socket-types.js';

/**
 * Publishes committed changes to the room's connections, on every node when there is a Redis.
 * While Redis is down, the cluster adapter would hold even this node's broadcast until it returns
 * (it awaits the stream write first), so this node's clients get it at once with `local`; clients
 * of other nodes miss it and fetch it by sequence number (the SDK's gap backfill).
 */
export function socketPublisher(io: ChatIo, redis?: RedisClient): Publisher {
  // The connection whose request made the change is left out: its answer carries it (a packet fewer).
  const to = (room: RoomRecord, sender: string | undefined) => {
    const operator = (redis && !redis.isReady ? io.local : io).to(channelOf(room));
    return sender === undefined ? operator : operator.except(sender);
  };
  return {
    messageCreated: (room, message, sender) => to(room, sender).emit('message:created', message),
    memberJoined: (room, member, sender) => to(room, sender).emit('member:joined', { roomCode: room.code, member }),
    memberLeft: (room, member) => to(room, undefined).emit('member:left', { roomCode: room.code, member }),
    // Volatile: a typing signal is worth nothing late, so a busy connection may drop it.
    memberTyping: (room, member, sender) => to(room, sender).volatile.emit('member:typing', { roomCode: room.code, member }),
    readUpdated: (room, memberId, seq) => to(room, undefined).emit('read:updated', { roomCode: room.code, memberId, seq }),
  };
}
