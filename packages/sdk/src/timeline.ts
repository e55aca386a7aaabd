import type { ChatMessage } from './protocol.js';

/**
 * A room's messages as this client holds them: sorted by `seq`, without duplicates, and released
 * strictly in sequence. A message that arrives beyond a gap is held back until the gap is filled,
 * so listeners see every message once and in the room's order.
 */
export class Timeline {
  #messages: ChatMessage[] = [];
  /** Everything from the oldest held message up to this seq is present. */
  #newest = 0;
  #held = new Map<number, ChatMessage>();

  constructor(initial: readonly ChatMessage[]) {
    this.#messages = [...initial].sort((a, b) => a.seq - b.seq);
    this.#newest = this.#messages.at(-1)?.seq ?? 0;
  }

  get messages(): readonly ChatMessage[] {
    return this.#messages;
  }
  /** The highest seq up to which nothing is missing. */
  get newestSeq(): number {
    return this.#newest;
  }
  get oldestSeq(): number | undefined {
    return this.#messages[0]?.seq;
  }
  /** Whether messages beyond a gap are waiting for it to be filled. */
  get hasGap(): boolean {
    return this.#held.size > 0;
  }

  /**
   * Takes messages at or after the newest end (live, acked, or caught up) and returns those that
   * became deliverable, in order.
   */
  accept(incoming: readonly ChatMessage[]): ChatMessage[] {
    for (const m of incoming) if (m.seq > this.#newest) this.#held.set(m.seq, m);
    const delivered: ChatMessage[] = [];
    // An empty timeline adopts whatever comes first as its start.
    if (this.#newest === 0 && this.#held.size) this.#newest = Math.min(...this.#held.keys()) - 1;
    for (let next = this.#held.get(this.#newest + 1); next; next = this.#held.get(this.#newest + 1)) {
      this.#held.delete(next.seq);
      this.#messages.push(next);
      this.#newest = next.seq;
      delivered.push(next);
    }
    return delivered;
  }

  /** Adds an older page in front; returns the messages that were new. */
  prepend(older: readonly ChatMessage[]): ChatMessage[] {
    const oldest = this.oldestSeq ?? Infinity;
    const added = older.filter((m) => m.seq < oldest).sort((a, b) => a.seq - b.seq);
    this.#messages = [...added, ...this.#messages];
    return added;
  }
}
