import type { Publisher } from '../chat.js';
import type { RedisClient } from '../redis.js';
import { channelOf, type ChatIo } from './socket-types.js';

/**
 * Publishes committed changes to the room's connections, on every node when there is a Redis.
 * While Redis is down, the cluster adapter would hold even this node's broadcast until it returns
 * (it awaits the stream write first), so this node's clients get it at once with `local`; clients
 * of other nodes miss it and fetch it by sequence number (the SDK's gap backfill).
 */
export function socketPublisher(io: ChatIo, redis?: RedisClient): Publisher {
  const to = (channel: string) => (redis && !redis.isReady ? io.local.to(channel) : io.to(channel));
  return {
    // The sender's connection is left out: its ack carries the message (one packet fewer each).
    messageCreated: (room, message, sender) => (sender === undefined ? to(channelOf(room)) : to(channelOf(room)).except(sender)).emit('message:created', message),
    memberJoined: (room, member) => to(channelOf(room)).emit('member:joined', { roomCode: room.code, member }),
    memberLeft: (room, member) => to(channelOf(room)).emit('member:left', { roomCode: room.code, member }),
  };
}
