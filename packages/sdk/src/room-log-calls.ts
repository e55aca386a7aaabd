import type { ChatMessage, HistoryPage, Limits, LogEntry, RoomSnapshot, SearchPage } from './protocol.js';
import { ActiveRoom } from './room-activity-calls.js';
import type { RoomTransport } from './room.js';
import { Timeline } from './timeline.js';
import { absoluteImageUrls } from './upload.js';

/**
 * The part of a {@link Room} that is its log as loaded: the timeline, older pages, history and
 * search reads, and the catch-up that fills a gap after a disconnect before newer entries are
 * released. Sends and the room's life (joins, leaves) are the subclass's.
 */
export abstract class LoggedRoom extends ActiveRoom {
  readonly #transport: RoomTransport;
  #timeline: Timeline;
  #hasMore: boolean;
  #catchingUp = false;

  /** @internal */
  constructor(transport: RoomTransport, snapshot: RoomSnapshot) {
    super(transport, snapshot);
    this.#transport = transport;
    this.#hasMore = snapshot.hasMore;
    this.#timeline = new Timeline(snapshot.messages.map((m) => this._absolute(m)), snapshot.self.id);
  }

  /** The server's limits (name and message lengths, upload size, ...). */
  abstract get limits(): Limits;
  /** Joined on the current connection: catch-up may go out. */
  protected abstract _online(): boolean;
  /** Whether a send went out and awaits its ack. */
  protected abstract _sendAwaitingAck(): boolean;
  /** The timeline has no gap any more: held sends may go. */
  protected abstract _caughtUp(): void;

  /** The messages loaded so far, oldest first, without gaps. */
  get messages(): readonly ChatMessage[] {
    return this.#timeline.messages;
  }
  /** Whether older messages than `messages[0]` exist on the server. */
  get hasMore(): boolean {
    return this.#hasMore;
  }

  /**
   * Loads the page of messages before the oldest one loaded, adds it to `messages`, and returns it
   * (empty when there is nothing older).
   */
  async loadOlder(limit?: number): Promise<ChatMessage[]> {
    if (!this.#hasMore) return [];
    const before = this.#timeline.oldestSeq;
    const page = await this.history({ ...(before === undefined ? {} : { before }), ...(limit ? { limit } : {}) });
    this.#hasMore = page.hasMore;
    const older = this.#timeline.prepend(page.messages);
    if (older.length) this.emit('history', older);
    return older;
  }

  /** Reads a page of history without changing `messages`: the newest page by default. */
  async history(options: { before?: number; after?: number; limit?: number } = {}): Promise<HistoryPage> {
    const page = await this.#transport.request('message:history', { code: this.code, ...options });
    const messages = page.messages.map((m) => this._absolute(m));
    return page.historyStart === undefined ? { messages, hasMore: page.hasMore } : { messages, hasMore: page.hasMore, historyStart: page.historyStart };
  }

  /**
   * Searches the room's text messages for every word of `query` (as words or their starts; case
   * ignored, quotes and operators read as plain text), newest first, as they are now: an edited
   * message is found by its new text only, a deleted one never. Leaves `messages` unchanged; page
   * to older results with `before`, the last result's seq. Rate-limited (`RATE_LIMITED`).
   *
   * @example
   * const { messages } = await room.search('lunch friday');
   */
  async search(query: string, options: { before?: number } = {}): Promise<SearchPage> {
    const page = await this.#transport.request('message:search', { code: this.code, query, ...options });
    return { messages: page.messages.map((m) => this._absolute(m)), hasMore: page.hasMore };
  }

  /** @internal A log entry broadcast by the server: a message or a change to one. */
  _receive(message: LogEntry): void {
    this._accept([message]);
  }

  /** Adds newer entries; releases what is now in sequence, and fetches what a gap hides. */
  protected _accept(entries: readonly LogEntry[]): void {
    this.#release(entries);
    this._catchUpIfGap();
  }

  /** Folds entries into the timeline; announces new messages and changed ones. */
  #release(entries: readonly LogEntry[], historyStart?: number): { added: ChatMessage[] } {
    // Counted only for listeners: it walks the unread messages.
    const counting = this.hasListeners('unread');
    const unread = counting ? this.unreadCount : 0;
    const { added, updated, moderation } = this.#timeline.fold(
      entries.map((m) => this._absolute(m)),
      historyStart,
    );
    for (const message of added) {
      if (message.authorId !== undefined) this._stoppedTyping(message.authorId);
      this.emit('message', message);
    }
    for (const message of updated) this.emit('message-updated', message);
    for (const entry of moderation) this._moderated(entry);
    if (counting && this.unreadCount !== unread) this.emit('unread', this.unreadCount);
    return { added };
  }

  /** @internal Folds entries the base class's calls got back in their acks. */
  protected override _fold(entry: LogEntry): void {
    this._accept([entry]);
  }

  /** @internal */
  protected override _newestSeq(): number {
    return this.#timeline.newestSeq;
  }

  /** Whether entries are missing between those loaded and newer ones received. */
  protected _hasGap(): boolean {
    return this.#timeline.hasGap;
  }

  /** Catches up when a gap shows, unless a send awaits its ack (its entry may be what is missing). */
  protected _catchUpIfGap(): void {
    if (this.#timeline.hasGap && !this._sendAwaitingAck()) void this.#catchUp();
  }

  /** Fetches everything after the newest contiguous message, page by page. */
  async #catchUp(): Promise<void> {
    if (this.#catchingUp || !this._online()) return;
    this.#catchingUp = true;
    try {
      while (this.#timeline.hasGap && this._canSignal()) {
        const page = await this.history({ after: this.#timeline.newestSeq, limit: this.limits.historyMaxPageSize });
        const before = this.#timeline.newestSeq;
        // Retention may have deleted what this room missed: the page says where the log now starts.
        this.#release(page.messages, page.historyStart);
        if (!page.hasMore && this.#timeline.newestSeq === before) break;
      }
    } catch {
      // The next reconnect's re-sync, or the next live message, tries again.
    } finally {
      this.#catchingUp = false;
    }
    if (!this.#timeline.hasGap) this._caughtUp();
  }

  /** The entry with its image URLs made absolute (the server sends paths). */
  protected _absolute<T extends LogEntry>(entry: T): T {
    return absoluteImageUrls(entry, (url) => this.#transport.resolveUrl(url));
  }
}
