import { Emitter } from '@socket.io/component-emitter';
import { randomId } from './ids.js';
import type {
  ChatMessage,
  ClientToServerEvents,
  HistoryPage,
  ImageInfo,
  Limits,
  Member,
  RoomSnapshot,
} from './protocol.js';
import type { UploadOptions, UploadSource } from './upload.js';

/** What a Room needs from its client; kept narrow so Room knows nothing of sockets. */
export interface RoomTransport {
  request<E extends keyof ClientToServerEvents>(
    event: E,
    payload: Parameters<ClientToServerEvents[E]>[0],
  ): Promise<Extract<Parameters<Parameters<ClientToServerEvents[E]>[1]>[0], { ok: true }>>;
  upload(code: string, source: UploadSource, options: UploadOptions | undefined): Promise<ImageInfo>;
  resolveUrl(path: string): string;
  forget(room: Room): void;
}

export interface RoomEvents {
  /** A new message arrived (live, or fetched to fill a gap), in sequence order. */
  message: (message: ChatMessage) => void;
  /** Older messages were loaded by {@link Room.loadOlder}; they are now at the start of `messages`. */
  history: (messages: ChatMessage[]) => void;
  'member-joined': (member: Member) => void;
  'member-left': (member: Member) => void;
  /** The member list changed (a join, a leave, or a re-sync after reconnecting). */
  members: (members: Member[]) => void;
  /** The room was left or the client closed; the Room is inert afterwards. */
  closed: () => void;
}

export interface SendOptions {
  /**
   * The message's client id. Give one to retry a send safely: the server stores a client id once
   * and answers a repeat with the original message. Default: a new random id.
   */
  clientId?: string;
}

/**
 * A joined room: its members, the messages loaded so far (oldest first, by `seq`), and the calls to
 * talk in it. Get one from {@link ChatClient.createRoom} or {@link ChatClient.joinRoom}.
 */
export class Room extends Emitter<RoomEvents, RoomEvents> {
  readonly code: string;
  readonly createdAt: string;
  #self: Member;
  #members = new Map<string, Member>();
  #messages: ChatMessage[] = [];
  #hasMore = false;
  #limits: Limits;
  #left = false;
  #transport: RoomTransport;

  /** @internal Created by ChatClient. */
  constructor(transport: RoomTransport, snapshot: RoomSnapshot) {
    super();
    this.#transport = transport;
    this.code = snapshot.code;
    this.createdAt = snapshot.createdAt;
    this.#self = snapshot.self;
    this.#limits = snapshot.limits;
    this.#applySnapshot(snapshot);
  }

  /** The member this client is in the room. */
  get self(): Member {
    return this.#self;
  }
  /** Members present now, in order of arrival. */
  get members(): Member[] {
    return [...this.#members.values()];
  }
  /** The messages loaded so far, oldest first. */
  get messages(): readonly ChatMessage[] {
    return this.#messages;
  }
  /** Whether older messages than `messages[0]` exist on the server. */
  get hasMore(): boolean {
    return this.#hasMore;
  }
  /** The server's limits (name and message lengths, upload size, ...). */
  get limits(): Limits {
    return this.#limits;
  }
  /** Whether the room was left (or the client closed). */
  get left(): boolean {
    return this.#left;
  }

  /** Sends a text message; resolves with the stored message once it is committed. */
  async send(text: string, options: SendOptions = {}): Promise<ChatMessage> {
    const res = await this.#transport.request('message:send', { code: this.code, clientId: options.clientId ?? randomId(), text });
    return this.#insert(res.message);
  }

  /** Uploads an image and sends it as a message; resolves with the stored message. */
  async sendImage(source: UploadSource, options: SendOptions & UploadOptions = {}): Promise<ChatMessage> {
    const image = await this.uploadImage(source, options);
    return this.sendUploadedImage(image.id, options);
  }

  /** Uploads an image to the room without sending it; see {@link Room.sendUploadedImage}. */
  uploadImage(source: UploadSource, options?: UploadOptions): Promise<ImageInfo> {
    return this.#transport.upload(this.code, source, options);
  }

  /** Sends an image uploaded earlier to this room as a message. */
  async sendUploadedImage(imageId: string, options: SendOptions = {}): Promise<ChatMessage> {
    const res = await this.#transport.request('message:send', { code: this.code, clientId: options.clientId ?? randomId(), imageId });
    return this.#insert(res.message);
  }

  /**
   * Loads the page of messages before the oldest one loaded, adds it to `messages`, and returns it
   * (empty when there is nothing older).
   */
  async loadOlder(limit?: number): Promise<ChatMessage[]> {
    if (!this.#hasMore) return [];
    const before = this.#messages[0]?.seq;
    const page = await this.history({ ...(before === undefined ? {} : { before }), ...(limit ? { limit } : {}) });
    this.#hasMore = page.hasMore;
    const older = page.messages.filter((m) => !this.#has(m.seq));
    this.#messages = [...older, ...this.#messages].sort(bySeq);
    if (older.length) this.emit('history', older);
    return older;
  }

  /** Reads a page of history without changing `messages`: newest first page by default. */
  async history(options: { before?: number; limit?: number } = {}): Promise<HistoryPage> {
    const page = await this.#transport.request('message:history', { code: this.code, ...options });
    return { messages: page.messages.map((m) => this.#absolute(m)), hasMore: page.hasMore };
  }

  /** Leaves the room; the server records the leave and the Room stops receiving. */
  async leave(): Promise<void> {
    if (this.#left) return;
    try {
      await this.#transport.request('room:leave', { code: this.code });
    } finally {
      this._closed();
    }
  }

  /** @internal A message broadcast by the server. */
  _receive(message: ChatMessage): void {
    const last = this.#messages.at(-1)?.seq ?? 0;
    if (this.#messages.length && message.seq > last + 1) void this.#fillGap(last, message.seq);
    this.#insert(message);
  }

  /** @internal */
  _memberJoined(member: Member): void {
    this.#members.set(member.id, member);
    this.emit('member-joined', member);
    this.emit('members', this.members);
  }

  /** @internal */
  _memberLeft(member: Member): void {
    if (!this.#members.delete(member.id)) return;
    this.emit('member-left', member);
    this.emit('members', this.members);
  }

  /** @internal The answer of a re-join after reconnecting: members replaced, messages merged. */
  _resync(snapshot: RoomSnapshot): void {
    this.#self = snapshot.self;
    this.#limits = snapshot.limits;
    const newestBefore = this.#messages.at(-1)?.seq ?? 0;
    this.#applySnapshot(snapshot);
    const oldestFetched = snapshot.messages[0]?.seq;
    // The newest page may not reach back to what we held: fetch what lies between.
    if (oldestFetched !== undefined && newestBefore > 0 && oldestFetched > newestBefore + 1) {
      void this.#fillGap(newestBefore, oldestFetched);
    }
    this.emit('members', this.members);
  }

  /** @internal */
  _closed(): void {
    if (this.#left) return;
    this.#left = true;
    this.#transport.forget(this);
    this.emit('closed');
  }

  #applySnapshot(snapshot: RoomSnapshot): void {
    this.#members = new Map(snapshot.members.map((m) => [m.id, m]));
    const hadMessages = this.#messages.length > 0;
    for (const message of snapshot.messages) this.#insert(message, hadMessages);
    if (!hadMessages) this.#hasMore = snapshot.hasMore;
  }

  /** Fetches messages with lower < seq < upper, page by page, and inserts them. */
  async #fillGap(lower: number, upper: number): Promise<void> {
    let before = upper;
    try {
      while (before > lower + 1 && !this.#left) {
        const page = await this.history({ before, limit: Math.min(this.#limits.historyMaxPageSize, before - lower - 1) });
        for (const m of page.messages) if (m.seq > lower) this.#insert(m);
        const first = page.messages[0]?.seq;
        if (first === undefined || !page.hasMore) break;
        before = first;
      }
    } catch {
      // Best effort: the next reconnect's re-sync or the next gap retries.
    }
  }

  #has(seq: number): boolean {
    return this.#findIndex(seq) >= 0;
  }

  /** Binary search by seq; returns the index, or -(insertion point) - 1. */
  #findIndex(seq: number): number {
    let lo = 0;
    let hi = this.#messages.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const midSeq = this.#messages[mid]!.seq;
      if (midSeq === seq) return mid;
      if (midSeq < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -lo - 1;
  }

  /** Inserts a message in seq order unless present; emits `message` for new ones. */
  #insert(raw: ChatMessage, announce = true): ChatMessage {
    const index = this.#findIndex(raw.seq);
    if (index >= 0) return this.#messages[index]!;
    const message = this.#absolute(raw);
    this.#messages.splice(-index - 1, 0, message);
    if (announce) this.emit('message', message);
    return message;
  }

  #absolute(message: ChatMessage): ChatMessage {
    if (!message.image) return message;
    const { url, thumbUrl } = message.image;
    return { ...message, image: { ...message.image, url: this.#transport.resolveUrl(url), thumbUrl: this.#transport.resolveUrl(thumbUrl) } };
  }
}

function bySeq(a: ChatMessage, b: ChatMessage): number {
  return a.seq - b.seq;
}
