import { ChatError } from './errors.js';
import type { Outbox, OutboxEntry } from './outbox.js';
import { LoggedRoom } from './room-log-calls.js';
import { Sender, type SendOptions } from './sender.js';
import { PendingSends, type PendingSend } from './sends.js';
import { wellFormed } from './send-checks.js';
import { ErrorCode } from './protocol.js';
import type { ChatMessage, ClientToServerEvents, DeleteEntry, EditEntry, ImageInfo, Limits, ReactionEntry, RoomRemovedEvent, RoomSnapshot } from './protocol.js';
import type { UploadOptions, UploadSource } from './upload.js';

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
 *
 * Its calls come in layers, one concept each: moderation (room-moderation-calls.ts), presence and
 * reads (room-activity-calls.ts), the log and its catch-up (room-log-calls.ts); sends, changes and
 * the room's life (join, leave, re-sync) are here.
 */
export class Room extends LoggedRoom {
  /** The site's key of the room, when it was opened by key (`client.openRoom({ key })`). */
  readonly key: string | undefined;
  readonly createdAt: string;
  /** The title the room was created with, if any. */
  readonly title: string | undefined;
  #limits: Limits;
  #left = false;
  /** Joined on the current connection: sends and catch-up may go out. */
  #ready = true;
  #transport: RoomTransport;
  #sender: Sender;
  #sends: PendingSends;

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
        const absolute = this._absolute(message);
        this._accept([absolute]);
        return absolute;
      },
      sendFailed: () => this._catchUpIfGap(),
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
    // Sends queued before a page reload go out now: after the caller of joinRoom has had its turn
    // to listen, so that it hears of one that fails ('send-failed').
    if (this.pending.length) setTimeout(() => void this.#sender.flush(), 0);
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

  /** @internal The connection dropped: hold sends until the room is joined again. */
  _offline(): void {
    this.#ready = false;
  }

  /** @internal The answer of a re-join after reconnecting: members replaced, messages caught up. */
  _resync(snapshot: RoomSnapshot): void {
    this._resyncActivity(snapshot);
    this.#limits = snapshot.limits;
    this.#ready = true;
    this.emit('members', this.members);
    this._accept(snapshot.messages);
    if (!this._hasGap()) void this.#sender.flush();
  }

  /** @internal */
  _closed(): void {
    if (this.#left) return;
    this.#left = true;
    this._clearTyping();
    this.#sends.close();
    this.#sender.close(new ChatError(ErrorCode.DISCONNECTED, 'The room was left before the message was sent'));
    this.#transport.forget(this);
    this.emit('closed');
  }

  /** A change request; its stored entry is folded in at once (the server does not echo it to this connection). */
  async #change<E extends 'message:edit' | 'message:delete' | 'reaction:add' | 'reaction:remove'>(event: E, payload: Parameters<ClientToServerEvents[E]>[0]) {
    if (this.#left) throw new ChatError(ErrorCode.NOT_A_MEMBER, 'The room was left');
    const res = await this.#transport.request(event, payload);
    this._accept([res.entry]);
    return res;
  }

  /** @internal */
  protected override _canSignal(): boolean {
    return this.#ready && !this.#left;
  }

  /** @internal */
  protected override _checkOpen(): void {
    if (this.#left) throw new ChatError(ErrorCode.NOT_A_MEMBER, 'The room was left');
  }

  /** @internal */
  protected override _online(): boolean {
    return this.#ready;
  }

  /** @internal */
  protected override _sendAwaitingAck(): boolean {
    return this.#sender.awaitingAck;
  }

  /** @internal */
  protected override _caughtUp(): void {
    void this.#sender.flush();
  }

}
