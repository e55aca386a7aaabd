import type { Logger } from 'pino';
import type { LogEntry, Member, RemovalReason } from '@roomchat/protocol';
import type { RoomRecord } from '../rooms.js';

/**
 * What happened in a room, as its subscribers hear of it. Each is published once its store has it:
 * a log entry once committed (docs/delivery.md: only committed messages are broadcast), an arrival
 * or departure once presence has it, a read position once stored. Typing alone is never stored.
 *
 * `origin` is the connection whose request caused the event, when one did: its answer carries the
 * result already (the message sent, the snapshot of the room joined), so the socket fan-out skips it.
 */
export type RoomEvent =
  /** An entry was appended to the room's log: a message, a join or leave line, or a change to a message. */
  | { type: 'entry-appended'; room: RoomRecord; entry: LogEntry; origin?: string | undefined }
  | { type: 'member-joined'; room: RoomRecord; member: Member; origin?: string | undefined }
  | { type: 'member-left'; room: RoomRecord; member: Member }
  /** Ephemeral: never stored, never given a seq (habit 13 of the conventions). */
  | { type: 'member-typing'; room: RoomRecord; member: Member; origin: string }
  | { type: 'read-moved'; room: RoomRecord; memberId: string; seq: number }
  /** A room was created (committed), by a visitor, the site's backend or a direct conversation. */
  | { type: 'room-created'; room: RoomRecord }
  /** Users (by `sub`) were taken off a private room's list: their connections in it must go. */
  | { type: 'users-removed'; room: RoomRecord; users: string[] }
  /**
   * A moderation action was stored (its entry is appended next): every node drops its copy of the
   * room's rules, renames the room to `code` after a rotation, and takes `removed` members' (or
   * with 'all', everyone's) connections out of the room.
   */
  /** A member reported a message (chat/reports.ts); once per member and message. */
  | { type: 'report-created'; room: RoomRecord; report: { messageId: string; reporterId: string; reason: string; hidden: boolean; createdAt: string } }
  | { type: 'moderated'; room: RoomRecord; code?: string; removed?: { memberIds: string[] | 'all'; reason: RemovalReason; message?: string | undefined } };

/** Receives every room event, in the order they were published. */
export type RoomEventSubscriber = (event: RoomEvent) => void;

/**
 * The room events of this node, published to any number of subscribers: the socket fan-out today,
 * webhooks and metrics later. Delivery is synchronous and in subscription order; a subscriber that
 * throws is logged and does not keep the others, or the request that caused the event, from going on.
 */
export class RoomEvents {
  readonly #subscribers: RoomEventSubscriber[] = [];
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Adds a subscriber; the function returned removes it. */
  subscribe(subscriber: RoomEventSubscriber): () => void {
    this.#subscribers.push(subscriber);
    return () => {
      const at = this.#subscribers.indexOf(subscriber);
      if (at >= 0) this.#subscribers.splice(at, 1);
    };
  }

  publish(event: RoomEvent): void {
    for (const subscriber of this.#subscribers) {
      try {
        subscriber(event);
      } catch (err) {
        this.#log.error({ err, event: event.type }, 'a room event subscriber failed');
      }
    }
  }
}
