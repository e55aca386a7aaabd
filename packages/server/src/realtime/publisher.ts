import type { Publisher } from '../chat.js';
import { channelOf, type ChatIo } from './socket-types.js';

/** Publishes committed changes to the room's connections. */
export function socketPublisher(io: ChatIo): Publisher {
  return {
    messageCreated: (room, message) => io.to(channelOf(room)).emit('message:created', message),
    memberJoined: (room, member) => io.to(channelOf(room)).emit('member:joined', { roomCode: room.code, member }),
    memberLeft: (room, member) => io.to(channelOf(room)).emit('member:left', { roomCode: room.code, member }),
  };
}
