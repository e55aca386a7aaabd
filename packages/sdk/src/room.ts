import { ChatError } from './errors.js';
import type { Outbox, OutboxEntry } from './outbox.js';
import { ReadPositions, TypingMembers } from './room-activity.js';
import { ModeratedRoom } from './room-moderation-calls.js';
import { Sender, type SendOptions } from './sender.js';
import { PendingSends, type PendingSend } from './sends.js';
import { wellFormed } from './send-checks.js';
import { ErrorCode, TYPING_REFRESH_MS } from './protocol.js';
import type { ChatMessage, ClientToServerEvents, DeleteEntry, EditEntry, HistoryPage, ImageInfo, Limits, LogEntry, Member, ReactionEntry, RoomRemovedEvent, RoomSnapshot, SearchPage } from './protocol.js';
import { Timeline } from './timeline.js';
import { absoluteImageUrls, type UploadOptions, type UploadSource } from './upload.js';

/** What a Room needs from its client; kept narrow so Room knows nothing of sockets. */
export interface RoomTransport {
  request<E extends keyof ClientToServerEvents>(
    event: E,
    payload: Parameters<ClientToServerEvents[E]>[0],
  ): Promise<Extract<Parameters<Parameters<ClientToServerEvents[E]>[1]>[0], { ok: true }>>;
  /** `memberId`: the room's private member id, which admits a guest to its direct rooms. */
  upload(code: string, source: UploadSource, options: UploadOptions | undefined, memberId?: string): Promise<ImageInfo>;
  resolveUrl(path: string): string;
  forget(room: Room): void;
  /** The room's code changed (a moderator rotated it): entries may come under either code for a while. */
  renamed(room: Room, oldCode: string): void;
  /** Opens the direct room of this room's member (joined with `memberId`) and another member of it. */
  openDirect(code: string, other: string, join: { memberId: string; name: string }): Promise<Room>;
  readonly outbox: Outbox;
}

export type { RoomEvents } from './room-events.js';
export type { SendOptions } from './sender.js';
export type { ModerationState } from './room-moderation.js';

/**
 * A joined room: its members, the messages loaded so far (oldest first, by `seq`), and the calls to
 * talk in it. Get one from {@link ChatClient.createRoom} or {@link ChatClient.joinRoom}.
 *
 * Delivery: sends go through an outbox and are retried after a reconnect until the server stores
 * them (once, by client id); after any disconnect the room catches up on everything it missed
 * before new live messages are released.
 */
export class Room extends ModeratedRoom {
  /** The site's key of the room, when it was opened by key (`client.openRoom({ key })`). */
  readonly key: string | undefined;
  readonly createdAt: string;
  /** The title the room was created with, if any. */
  readonly title: string | undefined;
  #timeline: Timeline;
  #hasMore: boolean;
  #limits: Limits;
  #left = false;
  /** Joined on the current connection: sends and catch-up may go out. */
  #ready = true;
  #catchingUp = false;
  #transport: RoomTransport;
  #sender: Sender;
  #sends: PendingSends;
  #reads: ReadPositions;
  #typing = new TypingMembers((members) => this.emit('typing', members));
  #lastTypingSent = 0;

  /** The private member id this room was joined with; re-joins use it. */
  readonly #memberId: string;

  /** @internal Created by ChatClient. */
  constructor(transport: RoomTransport, snapshot: RoomSnapshot, memberId: string) {
    super(transport, snapshot);
    const room = this;
    this.#transport = transport;
    this.#sender = new Sender({
      code: snapshot.code,
      get limits() {
        return room.#limits;
      },
      outbox: transport.outbox,
      canSend: () => this.#ready && !this.#left,
      left: () => this.#left,
      send: (payload) => transport.request('message:send', payload),
      stored: (message) => {
        const absolute = this.#absolute(message);
        this.#accept([absolute]);
        return absolute;
      },
      sendFailed: () => this.#catchUpIfGap(),
      pendingChanged: () => {
        this.emit('pending', this.pending);
        this.emit('sends', this.sends);
      },
      failedForGood: (entry, error) => {
        this.#sends.failed(entry, error);
        this.emit('send-failed', entry, error);
      },
    });
    // Uploads go through the public uploadImage, so that an app (or a test) can wrap it.
    this.#sends = new PendingSends({ sender: this.#sender, upload: (source, options) => this.uploadImage(source, options), changed: () => this.emit('sends', this.sends) });
    this.#memberId = memberId;
    this.key = snapshot.key;
    this.createdAt = snapshot.createdAt;
    this.title = snapshot.title;
    this.#limits = snapshot.limits;
    this.#hasMore = snapshot.hasMore;
    this.#timeline = new Timeline(snapshot.messages.map((m) => this.#absolute(m)), snapshot.self.id);
    this.#reads = new ReadPositions(snapshot.readSeq ?? 0, snapshot.readPositions ?? {});
    // Sends queued before a page reload go out now: after the caller of joinRoom has had its turn
    // to listen, so that it hears of one that fails ('send-failed').
    if (this.pending.length) setTimeout(() => void this.#sender.flush(), 0);
  }

  /** The messages loaded so far, oldest first, without gaps. */
  get messages(): readonly ChatMessage[] {
    return this.#timeline.messages;
  }
  /** Whether older messages than `messages[0]` exist on the server. */
  get hasMore(): boolean {
    return this.#hasMore;
  }
  /** The server's limits (name and message lengths, upload size, ...). */
  get limits(): Limits {
    return this.#limits;
  }
  /** Sends not yet acknowledged, oldest first; they are retried until stored. */
  get pending(): OutboxEntry[] {
    return this.#sender.pending;
  }
  /**
   * This member's sends on their way, oldest first, as a UI shows them: `uploading` (an image,
   * with `progress`), `sending` (in the outbox, retried until stored), or `failed` (refused for
   * good: listed until {@link Room.retry} or {@link Room.discard}). Announced by the `sends` event.
   */
  get sends(): PendingSend[] {
    return this.#sends.list;
  }
  /** Whether the room was left (or the client closed). */
  get left(): boolean {
    return this.#left;
  }
  /** The seq up to which this member has read (stored on the server: it survives reloads). */
  get readSeq(): number {
    return this.#reads.mine;
  }
  /** Messages of others (texts and images, not deleted) loaded after {@link Room.readSeq}. */
  get unreadCount(): number {
    return this.#reads.unread(this.#timeline.messages, this.self.id);
  }
  /** Others typing now. */
  get typingMembers(): Member[] {
    return this.#typing.members;
  }

  /** The present members (but the author) who have read up to `message`: "seen by". */
  seenBy(message: Pick<ChatMessage, 'seq' | 'authorId'>): Member[] {
    return this.members.filter((m) => m.id !== message.authorId && this.#reads.of(m.id) >= message.seq);
  }

  /**
   * Edits one of this member's text messages (within the server's edit window); resolves once the
   * edit is stored. `messages` shows the new text and `editedAt`, here and for every member.
   * Others' messages reject with FORBIDDEN, unknown ones with MESSAGE_NOT_FOUND, old ones with
   * EDIT_WINDOW_CLOSED.
   */
  async edit(messageId: string, text: string): Promise<EditEntry> {
    const res = await this.#change('message:edit', { code: this.code, id: messageId, text: wellFormed(String(text)) });
    return res.entry;
  }

  /** Deletes one of this member's messages: the server erases its text or image; a tombstone stays. */
  async delete(messageId: string): Promise<DeleteEntry> {
    return (await this.#change('message:delete', { code: this.code, id: messageId })).entry;
  }

  /** Adds this member's `emoji` reaction to a message. */
  async react(messageId: string, emoji: string): Promise<ReactionEntry> {
    return (await this.#change('reaction:add', { code: this.code, id: messageId, emoji })).entry;
  }

  /** Takes this member's `emoji` reaction off a message. */
  async unreact(messageId: string, emoji: string): Promise<ReactionEntry> {
    return (await this.#change('reaction:remove', { code: this.code, id: messageId, emoji })).entry;
  }

  /**
   * Tells the others this member is typing: call it on every keystroke; it goes out at most every
   * few seconds, and the signal ends by itself. Best effort: failures are ignored.
   */
  typing(): void {
    const now = Date.now();
    if (this.#left || !this.#ready || now - this.#lastTypingSent < TYPING_REFRESH_MS) return;
    this.#lastTypingSent = now;
    this.#transport.request('typing:start', { code: this.code }).catch(() => undefined);
  }

  /**
   * Marks the room read up to `seq` (default: the newest message loaded) and stores it on the
   * server; positions only move forward. Updates {@link Room.unreadCount} at once.
   */
  async markRead(seq: number = this.#timeline.newestSeq): Promise<void> {
    if (!this.#reads.advanceMine(seq)) return;
    this.#reads.advance(this.self.id, seq);
    this.emit('unread', this.unreadCount);
    const res = await this.#transport.request('read:mark', { code: this.code, seq });
    this.#reads.advanceMine(res.seq);
  }

  /**
   * Sends a text message; resolves with the stored message once it is committed. While the
   * connection is down the send waits in the outbox and is retried; it rejects only for a
   * failure that retrying cannot cure (e.g. MESSAGE_TOO_LONG) or when the room is left.
   */
  send(text: string, options: SendOptions = {}): Promise<ChatMessage> {
    return this.#sender.enqueue({ text }, options);
  }

  /**
   * Uploads an image and sends it as a message; resolves with the stored message. Listed in
   * {@link Room.sends} from the start; uploads failing in a way that may pass are retried.
   */
  sendImage(source: UploadSource, options: SendOptions & UploadOptions = {}): Promise<ChatMessage> {
    if (this.#left) return Promise.reject(new ChatError(ErrorCode.NOT_A_MEMBER, 'The room was left'));
    return this.#sends.image(source, options);
  }

  /** Sends a failed send again under its client id (so it is stored once); resolves with the stored message. */
  retry(clientId: string): Promise<ChatMessage> {
    return this.#sends.retry(clientId);
  }

  /** Drops a failed send or cancels an upload; false for one already with the server. */
  discard(clientId: string): boolean {
    return this.#sends.discard(clientId);
  }

  /** Uploads an image to the room without sending it; see {@link Room.sendUploadedImage}. */
  uploadImage(source: UploadSource, options?: UploadOptions): Promise<ImageInfo> {
    return this.#transport.upload(this.code, source, options, this.#memberId);
  }

  /** Sends an image uploaded earlier to this room as a message. */
  sendUploadedImage(imageId: string, options: SendOptions = {}): Promise<ChatMessage> {
    return this.#sender.enqueue({ imageId }, options);
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
    const messages = page.messages.map((m) => this.#absolute(m));
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
    return { messages: page.messages.map((m) => this.#absolute(m)), hasMore: page.hasMore };
  }

  /**
   * Leaves the room; the server records the leave and the Room stops receiving. Sends still
   * pending are dropped (closing the client instead keeps them for next time).
   */
  async leave(): Promise<void> {
    if (this.#left) return;
    try {
      await this.#transport.request('room:leave', { code: this.code });
    } finally {
      this.#sender.discardPending();
      this._closed();
    }
  }

  /** @internal This connection was taken out of the room (kicked, banned, closed). */
  _removed(event: RoomRemovedEvent): void {
    this.emit('removed', event.message ? { reason: event.reason, message: event.message } : { reason: event.reason });
    this.#sender.discardPending();
    this._closed();
  }

  /**
   * Opens a direct conversation with another member of this room, guests included, by its
   * `Member.id` (from {@link Room.members}): a private room only the two can enter, joined as the
   * member this client is here (same member id, so a reload that re-joins with it gets back in).
   * MEMBER_NOT_FOUND when the other is not present, INVALID_PAYLOAD for oneself.
   * @example const dm = await room.openDirect(room.members[1].id);
   */
  openDirect(memberId: string): Promise<Room> {
    if (memberId === this.self.id) return Promise.reject(new ChatError(ErrorCode.INVALID_PAYLOAD, 'A direct conversation is with another member'));
    return this.#transport.openDirect(this.code, memberId, { memberId: this.#memberId, name: this.self.name });
  }

  /** The private member id this room was joined with. */
  get memberId(): string {
    return this.#memberId;
  }

  /** @internal What a re-join after reconnecting sends. */
  get _joinPayload(): { code: string; name: string; memberId: string } {
    return { code: this.code, name: this.self.name, memberId: this.#memberId };
  }

  /** @internal A log entry broadcast by the server: a message or a change to one. */
  _receive(message: LogEntry): void {
    this.#accept([message]);
  }

  /** @internal Another member is typing. */
  _memberTyping(member: Member): void {
    if (member.id !== this.self.id) this.#typing.start(member);
  }

  /** @internal A member's read position moved. */
  _readUpdated(memberId: string, seq: number): void {
    if (!this.#reads.advance(memberId, seq)) return;
    // Read in another tab of this member.
    if (memberId === this.self.id && this.#reads.advanceMine(seq)) this.emit('unread', this.unreadCount);
    this.emit('read', { memberId, seq });
  }

  /** @internal */
  _memberJoined(member: Member): void {
    this._people.add(member);
    this.emit('member-joined', member);
    this.emit('members', this.members);
  }

  /** @internal */
  _memberLeft(member: Member): void {
    this.#typing.stop(member.id);
    if (!this._people.remove(member.id)) return;
    this.emit('member-left', member);
    this.emit('members', this.members);
  }

  /** @internal The connection dropped: hold sends until the room is joined again. */
  _offline(): void {
    this.#ready = false;
  }

  /** @internal The answer of a re-join after reconnecting: members replaced, messages caught up. */
  _resync(snapshot: RoomSnapshot): void {
    this._people.reset(snapshot);
    this.#limits = snapshot.limits;
    for (const [id, seq] of Object.entries(snapshot.readPositions ?? {})) this._readUpdated(id, seq);
    if ((snapshot.readSeq ?? 0) > this.#reads.mine) this._readUpdated(this.self.id, snapshot.readSeq!);
    this.#ready = true;
    this.emit('members', this.members);
    this.#accept(snapshot.messages);
    if (!this.#timeline.hasGap) void this.#sender.flush();
  }

  /** @internal */
  _closed(): void {
    if (this.#left) return;
    this.#left = true;
    this.#typing.clear();
    this.#sends.close();
    this.#sender.close(new ChatError(ErrorCode.DISCONNECTED, 'The room was left before the message was sent'));
    this.#transport.forget(this);
    this.emit('closed');
  }

  /** A change request; its stored entry is folded in at once (the server does not echo it to this connection). */
  async #change<E extends 'message:edit' | 'message:delete' | 'reaction:add' | 'reaction:remove'>(event: E, payload: Parameters<ClientToServerEvents[E]>[0]) {
    if (this.#left) throw new ChatError(ErrorCode.NOT_A_MEMBER, 'The room was left');
    const res = await this.#transport.request(event, payload);
    this.#accept([res.entry]);
    return res;
  }

  /** Adds newer entries; releases what is now in sequence, and fetches what a gap hides. */
  #accept(entries: readonly LogEntry[]): void {
    this.#release(entries);
    this.#catchUpIfGap();
  }

  /** Folds entries into the timeline; announces new messages and changed ones. */
  #release(entries: readonly LogEntry[], historyStart?: number): { added: ChatMessage[] } {
    // Counted only for listeners: it walks the unread messages.
    const counting = this.hasListeners('unread');
    const unread = counting ? this.unreadCount : 0;
    const { added, updated, moderation } = this.#timeline.fold(
      entries.map((m) => this.#absolute(m)),
      historyStart,
    );
    for (const message of added) {
      if (message.authorId !== undefined) this.#typing.stop(message.authorId);
      this.emit('message', message);
    }
    for (const message of updated) this.emit('message-updated', message);
    for (const entry of moderation) this._moderated(entry);
    if (counting && this.unreadCount !== unread) this.emit('unread', this.unreadCount);
    return { added };
  }

  /** @internal Folds entries the base class's calls got back in their acks. */
  protected override _fold(entry: LogEntry): void {
    this.#accept([entry]);
  }

  /** @internal */
  protected override _checkOpen(): void {
    if (this.#left) throw new ChatError(ErrorCode.NOT_A_MEMBER, 'The room was left');
  }

  #catchUpIfGap(): void {
    if (this.#timeline.hasGap && !this.#sender.awaitingAck) void this.#catchUp();
  }

  /** Fetches everything after the newest contiguous message, page by page. */
  async #catchUp(): Promise<void> {
    if (this.#catchingUp || !this.#ready) return;
    this.#catchingUp = true;
    try {
      while (this.#timeline.hasGap && this.#ready && !this.#left) {
        const page = await this.history({ after: this.#timeline.newestSeq, limit: this.#limits.historyMaxPageSize });
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
    if (!this.#timeline.hasGap) void this.#sender.flush();
  }

  #absolute<T extends LogEntry>(entry: T): T {
    return absoluteImageUrls(entry, (url) => this.#transport.resolveUrl(url));
  }
}

