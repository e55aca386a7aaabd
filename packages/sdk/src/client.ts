import { Emitter } from '@socket.io/component-emitter';
import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { socketConnection, type ChatSocket, type Connection } from './connection.js';
import { Credentials } from './credentials.js';
import { ChatError } from './errors.js';
import { randomId } from './ids.js';
import {
  DEFAULT_LIMITS,
  ErrorCode,
  normalizeRoomCode,
  ROOM_KEY_MAX_LENGTH,
  ROOM_KEY_PATTERN,
  ROOM_LIST_MEMBER_IDS_MAX,
  MEMBER_HEADER,
  type DirectMessageEvent,
  type ClientToServerEvents,
  type JoinOptions,
  type Limits,
  type RoomCreatePayload,
  type RoomSnapshot,
  type RoomSummary,
} from './protocol.js';
import { canShareConnection, SharedConnection } from './shared-connection.js';
import { localStorageOutboxStore, memoryOutboxStore, Outbox, type OutboxStore } from './outbox.js';
import { Room, type RoomTransport } from './room.js';
import { RoomRegistry } from './room-registry.js';
import { Requests, type AckData } from './requests.js';
import { checkName } from './send-checks.js';
import { absoluteImageUrls, uploadImage, type UploadOptions, type UploadSource } from './upload.js';
import type { ImageInfo } from './protocol.js';

/** Connection state: a small state machine driven by socket.io-client's Manager. */
export type ConnectionState = 'disconnected' | 'connecting' | 'connected';

export interface ChatClientOptions {
  /** The server's URL, e.g. `https://chat.example.com`. */
  url: string;
  /** How long a request waits for the server's answer before rejecting with TIMEOUT. Default 10 s. */
  requestTimeoutMs?: number;
  /**
   * Passed through to socket.io-client: `reconnectionDelay`, `reconnectionDelayMax`,
   * `transports` (default WebSocket, then long-polling), `path`, `auth`, ... Reconnection with
   * backoff is socket.io's own.
   */
  socket?: Partial<ManagerOptions & SocketOptions>;
  /**
   * The member id this client joins rooms as. Connections sharing it count as one member; keep it
   * for a visitor's session (e.g. in sessionStorage) so a reload is not shown as leave + join.
   * Default: random per client.
   */
  memberId?: string;
  /**
   * Where unacknowledged sends are kept. Default: memory; in a browser, when `memberId` is given,
   * localStorage under that member id, so a send survives a reload of a page that keeps its
   * member id (e.g. in sessionStorage) while other tabs, other members, keep their own.
   * Supply one to persist sends in Node.
   */
  outboxStore?: OutboxStore;
  /** Sends queued longer than this are dropped instead of sent. Default 24 hours. */
  outboxMaxAgeMs?: number;
  /** The app (site) this client belongs to, as `roomchat-server apps create` printed its id. Default: the server's default app. */
  app?: string;
  /**
   * A token the host site's backend signed for its signed-in user (docs/identity.md): the user
   * joins under the token's name and picture, verified. For sessions that outlive the token, give
   * `getToken` instead.
   */
  token?: string;
  /**
   * Fetches a fresh token from the host's backend. Called on every connect, before the token
   * expires (then sent with `auth:refresh` over the live connection), and after AUTH_EXPIRED.
   */
  getToken?: () => Promise<string>;
  /**
   * Shares one connection among the tabs of the site (same origin, server, app, and guest or
   * signed-in) that ask for it: a tab elected with a Web Lock holds the socket, the others talk to
   * it over a BroadcastChannel (docs/decisions/0014). Tabs sharing it must be the same visitor.
   * Ignored where Web Locks or BroadcastChannel are missing (Node, old browsers). Default false.
   */
  shareConnection?: boolean;
}

export interface ClientEvents {
  /** The connection state changed. */
  state: (state: ConnectionState) => void;
  /** A background operation failed (e.g. re-joining a room after a reconnect). */
  error: (error: ChatError) => void;
  /**
   * A message in a direct conversation of one of this client's members that it has not joined
   * (someone opened one with it from a member list, or wrote in one): for a conversation list.
   */
  'direct-message': (event: DirectMessageEvent) => void;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** The refusals of a handshake that are final for the credentials given (docs/api.md). */
const HANDSHAKE_CODES = new Set<string>([ErrorCode.AUTH_REQUIRED, ErrorCode.AUTH_INVALID, ErrorCode.AUTH_EXPIRED, ErrorCode.ORIGIN_NOT_ALLOWED, ErrorCode.UNAVAILABLE]);
const DEFAULT_OUTBOX_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** Waits between attempts to re-join a room that the server did not answer after a reconnect. */
const REJOIN_DELAYS_MS = [500, 1000, 2000, 5000];

/**
 * A connection to a Roomchat server. Create or join rooms through it; it reconnects by itself and
 * re-joins its rooms after a reconnect.
 *
 * @example
 * const client = new ChatClient({ url: 'http://localhost:3000' });
 * const room = await client.createRoom({ name: 'Alice' });
 * room.on('message', (m) => console.log(m.author, m.text));
 * await room.send('Hello!');
 */
export class ChatClient extends Emitter<ClientEvents, ClientEvents> {
  readonly url: string;
  readonly memberId: string;
  readonly requestTimeoutMs: number;
  #state: ConnectionState = 'disconnected';
  #connection: Connection;
  readonly #rooms = new RoomRegistry();
  #closed = false;
  #transport: RoomTransport;
  /** The server's limits as last seen in a snapshot; the defaults before the first join. */
  #limits: Limits = { ...DEFAULT_LIMITS };
  readonly #requests: Requests;
  readonly #credentials: Credentials;

  constructor(options: ChatClientOptions) {
    super();
    this.url = options.url.replace(/\/+$/, '');
    this.memberId = options.memberId ?? randomId();
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#credentials = new Credentials({
      app: options.app,
      token: options.token,
      getToken: options.getToken,
      refresh: (token) => this.#request('auth:refresh', { token }),
      error: (error) => this.emit('error', error),
    });
    // WebSocket first: one connection that stays on the node it reached, so several server nodes
    // need no sticky sessions. Long-polling remains the fallback where WebSockets are blocked.
    // `auth` as a function is asked on every (re)connect, so each handshake carries a fresh token.
    const open = (): ChatSocket =>
      io(this.url, {
        autoConnect: false,
        transports: ['websocket', 'polling'],
        tryAllTransports: true,
        auth: (cb) => void this.#credentials.handshake().then(cb),
        ...options.socket,
      });
    const signedIn = options.token !== undefined || options.getToken !== undefined;
    this.#connection =
      options.shareConnection && canShareConnection()
        ? new SharedConnection(`${this.url} ${options.app ?? ''} ${signedIn ? 'user' : 'guest'}`, open, signedIn)
        : socketConnection(open());
    // Keyed by member: tabs share localStorage, and a room must re-send only its own member's
    // sends. A random member id cannot be found again after a reload, so it gets memory.
    const persisted = options.memberId === undefined ? undefined : localStorageOutboxStore(`roomchat:outbox:${this.url}:${options.memberId}`);
    const store = options.outboxStore ?? persisted ?? memoryOutboxStore();
    this.#requests = new Requests(this.#connection, this.requestTimeoutMs, () => this.#closed);
    this.#transport = {
      outbox: new Outbox(store, options.outboxMaxAgeMs ?? DEFAULT_OUTBOX_MAX_AGE_MS),
      request: (event, payload) => this.#request(event, payload),
      upload: (code, source, uploadOptions, memberId) => this.#upload(code, source, uploadOptions, memberId),
      resolveUrl: (path) => new URL(path, this.url + '/').toString(),
      openDirect: (code, other, join) => this.#enter(join, (memberId) => this.#request('direct:member', { code, member: other }), undefined),
      forget: (room) => this.#rooms.forget(room),
      renamed: (room, oldCode) => this.#rooms.renamed(room, oldCode),
    };
    this.#wireSocket();
    this.#setState('connecting');
    this.#connection.connect();
  }

  /** The current connection state. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** The rooms this client has joined and not left. */
  get joinedRooms(): Room[] {
    return this.#rooms.rooms;
  }

  /** Whether this client joins as a user the host signed in (its name comes from the token). */
  get verified(): boolean {
    return this.#credentials.verified;
  }

  /** Creates a room (with an optional title, e.g. "Order #1234") and joins it. `name` is needed for a guest only. */
  async createRoom(options: RoomCreatePayload = {}): Promise<Room> {
    const refused = this.verified ? undefined : checkName(options.name ?? '', this.#limits);
    if (refused) throw refused;
    const memberId = options.memberId ?? this.memberId;
    const res = await this.#request('room:create', { name: options.name, memberId, ...(options.title === undefined ? {} : { title: options.title }) });
    return this.#adopt(res.room, memberId);
  }

  /** Joins a room by its code (case and dashes do not matter). Joining a room again returns the same Room. */
  async joinRoom(code: string, options: JoinOptions = {}): Promise<Room> {
    const normalized = normalizeRoomCode(code);
    return this.#enter(options, (memberId) => this.#request('room:join', { code: normalized, name: options.name, memberId }), normalized);
  }

  /**
   * Joins the app's room with the site's own key (a page, a product: `{ key: 'product-123' }`),
   * creating it on first use when the app allows; no code to share.
   * @example const room = await client.openRoom({ key: `product-${product.id}` });
   */
  async openRoom(options: JoinOptions & { key: string }): Promise<Room> {
    const { key, ...join } = options;
    if (typeof key !== 'string' || key.length === 0 || key.length > ROOM_KEY_MAX_LENGTH || !ROOM_KEY_PATTERN.test(key)) {
      throw new ChatError(ErrorCode.INVALID_PAYLOAD, `A room key is 1 to ${ROOM_KEY_MAX_LENGTH} letters, digits or . _ - : @, starting with a letter or digit`);
    }
    return this.#enter(join, (memberId) => this.#request('room:open', { key, name: join.name, memberId }));
  }

  /**
   * Opens the direct conversation of this client's signed-in user and `userId` (another user of
   * the app, by the id your backend signs as `sub`): one private room for the two, the same from
   * either side, created on first use. Guests get AUTH_REQUIRED.
   */
  async openDirect(userId: string, options: Pick<JoinOptions, 'memberId'> = {}): Promise<Room> {
    if (!this.verified) throw new ChatError(ErrorCode.AUTH_REQUIRED, 'Direct conversations are for signed-in users: give the client a token');
    return this.#enter(options, (memberId) => this.#request('direct:open', { userId, memberId }));
  }

  /**
   * The visitor's rooms (private and direct ones it is listed in, and those it joined) with their
   * last message and unread count, newest activity first. A signed-in user's come from its token;
   * a guest's are those of its member ids: this client's, its joined rooms', and `memberIds`
   * (e.g. the ones a page remembered).
   */
  async rooms(options: { memberIds?: readonly string[] } = {}): Promise<RoomSummary[]> {
    if (this.verified) return (await this.#request('room:list', {})).rooms;
    const memberIds = [...new Set([this.memberId, ...this.joinedRooms.map((r) => r.memberId), ...(options.memberIds ?? [])])].slice(0, ROOM_LIST_MEMBER_IDS_MAX);
    return (await this.#request('room:list', { memberIds })).rooms;
  }

  /**
   * Joins a room with `request`. Messages broadcast to the room after the server read the
   * snapshot can arrive before the answer; they are kept (by code, or all unknown rooms' when
   * the code is not known yet) and handed to the room once it exists.
   */
  async #enter(options: JoinOptions, request: (memberId: string) => Promise<{ room: RoomSnapshot }>, code?: string): Promise<Room> {
    const refused = this.verified ? undefined : checkName(options.name ?? '', this.#limits);
    if (refused) throw refused;
    const memberId = options.memberId ?? this.memberId;
    const { answer, early } = await this.#rooms.joining(code, () => request(memberId));
    const room = this.#adopt(answer.room, memberId);
    const mine = early.filter((m) => m.roomCode === room.code);
    // After the caller's turn, like any live message, so that its listeners hear them.
    if (mine.length) setTimeout(() => room.left || mine.forEach((m) => room._receive(m)), 0);
    return room;
  }

  /** Leaves every room and closes the connection. The client cannot be used afterwards. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#credentials.close();
    const closed = new ChatError(ErrorCode.DISCONNECTED, 'The client was closed');
    this.#requests.dropped(closed);
    for (const room of this.#rooms.rooms) room._closed();
    this.#rooms.clear();
    this.#connection.disconnect();
    this.#setState('disconnected');
  }

  #adopt(snapshot: RoomSnapshot, memberId: string): Room {
    this.#limits = snapshot.limits;
    const existing = this.#rooms.get(snapshot.code);
    if (existing) {
      existing._resync(snapshot);
      return existing;
    }
    const room = new Room(this.#transport, snapshot, memberId);
    this.#rooms.add(room);
    return room;
  }

  #wireSocket(): void {
    const socket = this.#connection;
    socket.on('connect', () => {
      this.#credentials.connected();
      this.#setState('connected');
      // socket.io restores room membership only through connection state recovery, which is an
      // optimisation; re-joining is what makes membership and history correct after any outage.
      if (!socket.recovered) void this.#rejoinAll();
    });
    socket.on('disconnect', (reason) => {
      // 'io client disconnect' is our own close(); every other reason is followed by socket.io's
      // reconnection, except a server-side kick, which we answer by reconnecting ourselves.
      if (this.#closed) return;
      this.#setState('connecting');
      for (const room of this.#rooms.rooms) room._offline();
      const lost = new ChatError(ErrorCode.DISCONNECTED, `The connection was lost (${reason})`);
      this.#requests.dropped(lost);
      if (reason === 'io server disconnect') socket.connect();
    });
    // A refusal by the server's handshake (realtime/identify.ts) carries { code, message } as data;
    // socket.io does not retry it, as the same credentials would be refused again.
    socket.on('connect_error', (err: Error & { data?: { code?: string; message?: string } }) => {
      const code = err.data?.code;
      if (this.#closed || code === undefined || !HANDSHAKE_CODES.has(code)) return;
      if (code === ErrorCode.AUTH_EXPIRED && this.#credentials.retryExpired()) {
        socket.connect(); // asks getToken again
        return;
      }
      const error = new ChatError(code as ErrorCode, err.data?.message ?? err.message, { cause: err });
      this.#setState('disconnected');
      this.#requests.refused(error);
      this.emit('error', error);
    });
    socket.on('room:removed', (event) => this.#rooms.find(event.roomCode)?._removed(event));
    socket.on('message:created', (message) => this.#rooms.received(message));
    socket.on('member:joined', (event) => this.#rooms.get(event.roomCode)?._memberJoined(event.member));
    socket.on('member:left', (event) => this.#rooms.get(event.roomCode)?._memberLeft(event.member));
    socket.on('member:typing', (event) => this.#rooms.get(event.roomCode)?._memberTyping(event.member));
    socket.on('read:updated', (event) => this.#rooms.get(event.roomCode)?._readUpdated(event.memberId, event.seq));
    socket.on('direct:message', (event) => {
      // A room of this client's is told by message:created; this is for the others.
      if (!this.#rooms.has(event.roomCode)) this.emit('direct-message', { ...event, message: absoluteImageUrls(event.message, this.#transport.resolveUrl) });
    });
  }

  async #rejoinAll(): Promise<void> {
    for (const room of this.#rooms.rooms) await this.#rejoin(room, 0);
  }

  /**
   * Joins a room again after a reconnect. Until that succeeds the room holds its sends, so a
   * re-join the server could not answer (still starting, overloaded, rate limiting) is tried
   * again; a lost connection is retried by the next connect instead.
   */
  async #rejoin(room: Room, attempt: number): Promise<void> {
    try {
      const res = await this.#request('room:join', room._joinPayload);
      room._resync(res.room);
    } catch (cause) {
      const error = cause instanceof ChatError ? cause : new ChatError(ErrorCode.INTERNAL, String(cause), { cause });
      this.emit('error', error);
      if (!error.retryable || error.code === ErrorCode.DISCONNECTED) return;
      const delay = error.retryAfterMs ?? REJOIN_DELAYS_MS[Math.min(attempt, REJOIN_DELAYS_MS.length - 1)]!;
      setTimeout(() => {
        if (!this.#closed && this.#connection.connected && this.#rooms.get(room.code) === room) void this.#rejoin(room, attempt + 1);
      }, delay);
    }
  }

  #setState(state: ConnectionState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.emit('state', state);
  }

  #request<E extends keyof ClientToServerEvents>(event: E, payload: Parameters<ClientToServerEvents[E]>[0]): Promise<AckData<E>> {
    return this.#requests.request(event, payload);
  }

  /** Uploads with a current token, like the socket: asked of getToken when stale, and once more after AUTH_EXPIRED. */
  async #upload(code: string, source: UploadSource, options: UploadOptions | undefined, memberId: string | undefined): Promise<ImageInfo> {
    if (this.#closed) throw new ChatError(ErrorCode.DISCONNECTED, 'The client is closed');
    // A guest names its member id: a direct room admits a guest by it (a verified user, by its token).
    const member: Record<string, string> = memberId !== undefined && !this.verified ? { [MEMBER_HEADER]: memberId } : {};
    const send = async (renew: boolean) =>
      uploadImage(this.url, code, source, { timeoutMs: this.requestTimeoutMs * 6, ...options }, { ...(await this.#credentials.freshHeaders(renew)), ...member });
    try {
      return await send(false);
    } catch (error) {
      if (!(error instanceof ChatError && error.code === ErrorCode.AUTH_EXPIRED && this.#credentials.renewable)) throw error;
      return send(true);
    }
  }
}
