import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, Member, RemovalReason, ServerToClientEvents } from '@roomchat/protocol';
import type { App } from '../auth/apps.js';
import type { Identity } from '../auth/tokens.js';
import type { RoomRecord } from '../rooms.js';

/** What the server remembers per connection. */
export interface SocketData {
  /** The rooms this connection joined, by code, with the member it joined as. */
  memberships: Map<string, { room: RoomRecord; member: Member }>;
  /** The client's address, for rate limits. */
  address: string;
  /** The app the connection belongs to (realtime/identify.ts). */
  app: App;
  /** The verified user, when the connection gave a token; absent for a guest. */
  identity?: Identity | undefined;
}

/** A moderation action as the other nodes hear of it (realtime/moderation-signals.ts). */
export interface ModerationSignal {
  roomId: number;
  /** The room's new code, after a rotation. */
  code?: string | undefined;
  removed?: { memberIds: string[] | 'all'; reason: RemovalReason; message?: string | undefined } | undefined;
}

/** Events between the nodes (Socket.IO's serverSideEmit, through the Redis adapter). */
export interface NodeEvents {
  'room:moderated': (signal: ModerationSignal) => void;
}

export type ChatIo = Server<ClientToServerEvents, ServerToClientEvents, NodeEvents, SocketData>;
export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, NodeEvents, SocketData>;

/** The Socket.IO room that carries a chat room's broadcasts. */
export const channelOf = (room: RoomRecord) => `room:${room.id}`;

/** The Socket.IO room of one member of an app (all its connections, on every node): news of its direct conversations. */
export const memberChannel = (appId: string, memberId: string) => `member:${appId}:${memberId}`;
