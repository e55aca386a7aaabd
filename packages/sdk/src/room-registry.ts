import type { LogEntry } from './protocol.js';
import type { Room } from './room.js';

/**
 * The rooms a client has joined, by code, and where a server event for a code goes: to its room,
 * to a room under a code it had before a moderator rotated it, or into the buffer of a join whose
 * answer has not come yet (the server may broadcast to the room before its answer arrives).
 */
export class RoomRegistry {
  readonly #rooms = new Map<string, Room>();
  /** Rooms by a code they had before a moderator rotated it: entries sent meanwhile still find them. */
  readonly #aliases = new Map<string, Room>();
  /** Messages for rooms whose join awaits its answer, by code. */
  readonly #early = new Map<string, LogEntry[]>();
  /** Buffers of opens by key, whose room's code is not known until their answer. */
  readonly #earlyAnyRoom = new Set<LogEntry[]>();

  /** The rooms joined and not left. */
  get rooms(): Room[] {
    return [...this.#rooms.values()];
  }

  /** The room joined under this very code (not an old one). */
  get(code: string): Room | undefined {
    return this.#rooms.get(code);
  }

  /** The room with this code, or that had it before a rotation. */
  find(code: string): Room | undefined {
    return this.#rooms.get(code) ?? this.#aliases.get(code);
  }

  has(code: string): boolean {
    return this.#rooms.has(code);
  }

  add(room: Room): void {
    this.#rooms.set(room.code, room);
  }

  /** The room was left or closed. */
  forget(room: Room): void {
    if (this.#rooms.get(room.code) === room) this.#rooms.delete(room.code);
    for (const [code, r] of this.#aliases) if (r === room) this.#aliases.delete(code);
  }

  /** The room's code was rotated from `oldCode`. */
  renamed(room: Room, oldCode: string): void {
    if (this.#rooms.get(oldCode) === room) this.#rooms.delete(oldCode);
    this.#rooms.set(room.code, room);
    this.#aliases.set(oldCode, room);
  }

  /**
   * Runs a join's `request`, keeping the messages broadcast meanwhile: those of `code`, or of every
   * room not joined when the code is not known until the answer (opens by key). The caller hands
   * the ones of the room it got to that room.
   */
  async joining<T>(code: string | undefined, request: () => Promise<T>): Promise<{ answer: T; early: LogEntry[] }> {
    const early: LogEntry[] = [];
    const buffered = code === undefined ? this.#earlyAnyRoom : undefined;
    if (code !== undefined && !this.#rooms.has(code)) this.#early.set(code, early);
    buffered?.add(early);
    try {
      return { answer: await request(), early };
    } finally {
      if (code !== undefined && this.#early.get(code) === early) this.#early.delete(code);
      buffered?.delete(early);
    }
  }

  /** A log entry from the server: to its room, or kept for a join awaiting its answer. */
  received(message: LogEntry): void {
    const room = this.find(message.roomCode);
    if (room) room._receive(message);
    else {
      this.#early.get(message.roomCode)?.push(message);
      for (const early of this.#earlyAnyRoom) early.push(message);
    }
  }

  clear(): void {
    this.#rooms.clear();
    this.#aliases.clear();
  }
}
