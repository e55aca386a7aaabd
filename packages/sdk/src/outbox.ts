/** A send that the server has not acknowledged yet. */
export interface OutboxEntry {
  roomCode: string;
  clientId: string;
  text?: string;
  imageId?: string;
  /** The id of the message this one replies to. */
  replyTo?: string;
  /** When it was first queued, ISO 8601. */
  queuedAt: string;
  /**
   * How many times the connection dropped while this entry awaited its answer. A message the
   * server cannot even read (over its packet limit) drops the connection every time it is sent.
   */
  drops?: number;
}

/** Where the outbox keeps its entries between page loads. */
export interface OutboxStore {
  load(): OutboxEntry[];
  save(entries: readonly OutboxEntry[]): void;
}

/** Keeps entries for the life of the process (the Node default). */
export function memoryOutboxStore(): OutboxStore {
  let saved: OutboxEntry[] = [];
  return { load: () => saved, save: (entries) => (saved = [...entries]) };
}

/**
 * Keeps entries in localStorage under `key`, so a send survives a page reload (the browser
 * default). Undefined where localStorage is missing or refuses writes (some private modes).
 */
export function localStorageOutboxStore(key: string): OutboxStore | undefined {
  let storage: Storage;
  try {
    storage = globalThis.localStorage;
    storage.setItem(key + ':probe', '1');
    storage.removeItem(key + ':probe');
  } catch {
    return undefined;
  }
  return {
    load() {
      try {
        const parsed: unknown = JSON.parse(storage.getItem(key) ?? '[]');
        return Array.isArray(parsed) ? (parsed as OutboxEntry[]).filter((e) => typeof e?.clientId === 'string' && typeof e.roomCode === 'string') : [];
      } catch {
        return [];
      }
    },
    save(entries) {
      try {
        if (entries.length) storage.setItem(key, JSON.stringify(entries));
        else storage.removeItem(key);
      } catch {
        // Storage full: the entries still live in memory for this page.
      }
    },
  };
}

/**
 * Unacknowledged sends, in the order they were made, shared by a client's rooms. Every change
 * reads the store afresh, so tabs sharing localStorage do not overwrite each other's entries.
 * Entries older than `maxAgeMs` are dropped, so a room never rejoined does not keep them forever.
 */
export class Outbox {
  readonly #store: OutboxStore;
  readonly #maxAgeMs: number;

  constructor(store: OutboxStore, maxAgeMs: number) {
    this.#store = store;
    this.#maxAgeMs = maxAgeMs;
  }

  /** This room's entries, oldest first. */
  entries(roomCode: string): OutboxEntry[] {
    return this.#load().filter((e) => e.roomCode === roomCode);
  }

  /** Adds an entry unless one with its client id is queued already. */
  add(entry: OutboxEntry): void {
    const entries = this.#load();
    if (entries.some((e) => same(e, entry))) return;
    this.#store.save([...entries, entry]);
  }

  /** Replaces the stored entry with the same room and client id, if it is still queued. */
  update(entry: OutboxEntry): void {
    const entries = this.#load();
    const index = entries.findIndex((e) => same(e, entry));
    if (index < 0) return;
    entries[index] = entry;
    this.#store.save(entries);
  }

  remove(roomCode: string, clientId: string): void {
    const entries = this.#load();
    const kept = entries.filter((e) => !same(e, { roomCode, clientId }));
    if (kept.length !== entries.length) this.#store.save(kept);
  }

  #load(): OutboxEntry[] {
    const cutoff = Date.now() - this.#maxAgeMs;
    return this.#store.load().filter((e) => Date.parse(e.queuedAt) >= cutoff);
  }
}

const same = (a: Pick<OutboxEntry, 'roomCode' | 'clientId'>, b: Pick<OutboxEntry, 'roomCode' | 'clientId'>) =>
  a.roomCode === b.roomCode && a.clientId === b.clientId;
