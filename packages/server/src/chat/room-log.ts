import type { LogEntry } from '@roomchat/protocol';
import type { Messages, NewMessage } from '../messages.js';
import type { RoomRecord } from '../rooms.js';
import type { RoomEvents } from './events.js';
import type { InFlight } from './in-flight.js';

/**
 * Appends entries to rooms' logs and publishes each once it is committed, never before: the
 * order docs/delivery.md promises (only committed messages are broadcast). Every use case that
 * adds to a log (sending, changing a message, joining, leaving) goes through here.
 */
export class RoomLog {
  readonly #messages: Messages;
  readonly #events: RoomEvents;
  readonly #inFlight: InFlight;

  constructor(messages: Messages, events: RoomEvents, inFlight: InFlight) {
    this.#messages = messages;
    this.#events = events;
    this.#inFlight = inFlight;
  }

  /**
   * Stores an entry (once per client id) and publishes it if it is new, with `origin`, the
   * connection that asked for it (which its answer tells). The entry is queued for storing before
   * this returns, so entries are stored in the order appended.
   */
  async append(room: RoomRecord, entry: NewMessage, origin?: string): Promise<LogEntry> {
    const { message: stored, created } = await this.#inFlight.track(this.#messages.append(room, entry));
    if (created) this.#events.publish({ type: 'entry-appended', room, entry: stored, origin });
    return stored;
  }
}
