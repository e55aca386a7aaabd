import type { ReactiveController } from 'lit';
import {
  type ChatClient,
  ChatError,
  ErrorCode,
  normalizeRoomCode,
  type ChatMessage,
  type ConnectionState,
  type Member,
  type Room,
} from '@roomchat/sdk';
import { toChatError } from '../errors.js';
import type { ChatErrorAction, ChatRoomEventDetail, ChatRoomEventMap } from '../events.js';
import type { ConnectionStatus } from '../views/connection-banner.js';
import type { HomeBusy } from '../views/home-view.js';
import { clientFor, hostVerifies, type SessionHost } from './session-client.js';

export { hostVerifies, type SessionHost } from './session-client.js';

/** After this long without a connection the visitor is told "Connecting…" (no wait over a second goes unexplained). */
const SLOW_MS = 1000;
/** After this long, "Waiting for the server…": it is down or unreachable, and the SDK keeps trying. */
const LONG_MS = 4000;

/** What the session tells the rest of the element, in the order things happen. */
export interface SessionHooks {
  /** Dispatches one of the element's `chat-*` events. */
  emit<K extends keyof ChatRoomEventMap>(name: K, detail: ChatRoomEventDetail<K>): void;
  reportError(error: ChatError, action: ChatErrorAction): void;
  /** A join or create started. */
  joinStarted(): void;
  /** The visitor is in `room` now (its listeners are not added yet): start per-room state. */
  entered(room: Room): void;
  /** The visitor is out of the room they were in: drop per-room state. */
  left(): void;
  /** The visitor chose to exit `code` (not a switch, nor the room closing). */
  exited(code: string): void;
  /** The member id to join `code` as `name`, or create a room as (`code` null); undefined: the client's. */
  memberId?(code: string | null, name: string): string | undefined;
  /** The visitor is in `room` as the member `memberId`, having asked for `name`. */
  joinedAs?(room: Room, memberId: string, name: string): void;
  /** A join or create failed; resolves once the visitor was shown why. */
  joinFailed(error: ChatError, kind: 'join' | 'create', code: string): Promise<void>;
  /** The entered room is rendered. */
  ready(room: Room, created: boolean): void;
  message(room: Room, message: ChatMessage): void;
  /** A message already shown changed: edited, deleted, reacted to (live or caught up). */
  updated(room: Room, message: ChatMessage): void;
  /** Older messages were added to the room's history. */
  history(): void;
}

/**
 * The connection and room lifecycle over `@roomchat/sdk`: one client per server, at most one room,
 * joins that a later join or an exit supersedes, and a teardown when the element leaves the page.
 */
export class SessionController implements ReactiveController {
  client: ChatClient | null = null;
  room: Room | null = null;
  connection: ConnectionState = 'disconnected';
  /** Which home action is in flight. */
  busy: HomeBusy = null;
  #everConnected = false;
  /** How long the first connection has been trying: under a second says nothing, then "Connecting…", then "Waiting for the server…". */
  #waited: 'short' | 'slow' | 'long' = 'short';
  #waitTimers: ReturnType<typeof setTimeout>[] = [];
  #online = typeof navigator === 'undefined' ? true : navigator.onLine;
  /** Bumped by every join and exit; an answer for an older token is stale. */
  #joinToken = 0;
  /** The code being joined, while a join is in flight. */
  #joining = '';
  /** The room key whose open was last refused, so that re-rendering does not retry it in a loop. */
  #refusedKey = '';
  #clientOff: (() => void) | null = null;
  #roomOff: (() => void) | null = null;
  #teardownQueued = false;
  /** The app and whether verified, of the client made: a change makes a new client. */
  #clientKey = '';
  readonly #host: SessionHost;
  readonly #hooks: SessionHooks;

  constructor(host: SessionHost, hooks: SessionHooks) {
    this.#host = host;
    this.#hooks = hooks;
    host.addController(this);
  }

  /** What the connection banner says. */
  get status(): ConnectionStatus {
    if (!this.#online) return 'offline';
    if (this.connection === 'connected' || !this.client) return 'connected';
    if (this.#everConnected) return 'reconnecting';
    return this.#waited === 'long' ? 'waitingForServer' : this.#waited === 'slow' ? 'connecting' : 'connected';
  }

  /** Whether a join or create is waiting for the server to be reachable before it can be sent. */
  get waiting(): boolean {
    return this.busy !== null && this.connection !== 'connected';
  }

  /**
   * Connects now, before any join, so that a server that cannot be reached is said at once rather
   * than when the visitor first tries (the element calls it while it is shown).
   */
  connect(): void {
    if (this.#host.isConnected) this.#ensureClient();
  }

  hostConnected(): void {
    this.#teardownQueued = false;
    window.addEventListener('online', this.#onNetwork);
    window.addEventListener('offline', this.#onNetwork);
  }

  hostDisconnected(): void {
    window.removeEventListener('online', this.#onNetwork);
    window.removeEventListener('offline', this.#onNetwork);
    // Moving the element (remove + insert in one task) must not drop the room: tear down only if
    // it is still detached once the current task is done.
    this.#teardownQueued = true;
    setTimeout(() => {
      if (this.#teardownQueued && !this.#host.isConnected) this.teardown();
    });
  }

  /** Joins, switches or leaves so that the visitor is in the room the `room` attribute names. */
  sync(): void {
    const host = this.#host;
    const key = host.roomKey?.trim();
    if (key) {
      // A key that was refused is not tried again until it changes (or the visitor asks again).
      if (this.#joining === `key:${key}` || this.room?.key === key || this.#refusedKey === key) return;
      const name = (host.name ?? '').trim() || this.room?.self.name || '';
      if (name || hostVerifies(host)) void this.enter('open', key, name);
      return;
    }
    const wanted = normalizeRoomCode(host.room ?? '');
    const current = this.#joining || this.room?.code || '';
    if (wanted === current) return;
    if (!wanted) {
      void this.exit();
      return;
    }
    const name = (host.name ?? '').trim();
    if (name || hostVerifies(host)) void this.enter('join', wanted, name);
    else if (this.room) {
      // Switching rooms keeps the name the visitor joined with.
      void this.enter('join', wanted, this.room.self.name);
    }
  }

  /**
   * Joins the room `code` (creates one, opens the room with the key `code`, or, `direct`, opens the
   * direct conversation with the member `code` of the current room) as `name`, leaving the
   * current room once in.
   */
  async enter(kind: 'join' | 'create' | 'open' | 'direct', code: string, name: string): Promise<void> {
    const host = this.#host;
    // Before taking a token: a new client tears the old one down, which voids earlier tokens.
    const client = this.#ensureClient();
    const token = ++this.#joinToken;
    this.#refusedKey = '';
    this.busy = kind === 'open' || kind === 'direct' ? 'join' : kind;
    this.#joining = kind === 'join' ? normalizeRoomCode(code) : kind === 'open' ? `key:${code}` : '';
    this.#hooks.joinStarted();
    host.requestUpdate();
    const previous = this.room;
    try {
      if (kind === 'direct' && !previous) throw new ChatError(ErrorCode.NOT_A_MEMBER, 'Open a direct conversation from a room');
      // A direct room is joined as the member the visitor is in the room it was opened from.
      const memberId = kind === 'direct' ? previous!.memberId : this.#hooks.memberId?.(kind === 'join' ? code : null, name);
      // A signed-in visitor has no name of its own: the server takes it from the token.
      const options = { ...(name ? { name } : {}), ...(memberId ? { memberId } : {}) };
      const room = await this.#request(client, token, () =>
        kind === 'direct'
          ? previous!.openDirect(code)
          : kind === 'create'
            ? client.createRoom(options)
            : kind === 'open'
              ? client.openRoom({ key: code, ...options })
              : client.joinRoom(code, options),
      );
      if (!room) return;
      if (token !== this.#joinToken) {
        // Superseded by a later join or an exit: do not stay in a room nobody sees.
        if (room !== this.room) void room.leave().catch(() => {});
        return;
      }
      if (previous && previous !== room) {
        this.#detach();
        void previous.leave().catch(() => {});
        this.#hooks.emit('chat-leave', { room: previous.code, member: previous.self, self: true });
      }
      this.#attach(room, kind === 'create');
      this.#hooks.joinedAs?.(room, memberId ?? client.memberId, name);
    } catch (cause) {
      if (token !== this.#joinToken) return;
      // Keep `room` in step with what is shown: the visitor is not in the room that failed.
      this.#joining = '';
      if (kind === 'open') this.#refusedKey = code;
      host.room = this.room?.code ?? '';
      await this.#hooks.joinFailed(toChatError(cause), kind === 'create' ? 'create' : 'join', kind === 'open' || kind === 'direct' ? '' : code);
    } finally {
      if (token === this.#joinToken) {
        this.busy = null;
        this.#joining = '';
        host.requestUpdate();
      }
    }
  }

  /** Leaves the current room (and abandons a join in flight), as the Exit button does. */
  async exit(): Promise<void> {
    this.#cancelJoin();
    const room = this.room;
    if (!room) return;
    this.#detach();
    this.#host.room = '';
    this.#hooks.exited(room.code);
    this.#host.requestUpdate();
    const self = room.self;
    try {
      await room.leave();
    } catch {
      // The server records the leave when the connection goes anyway; nothing to tell the visitor.
    }
    this.#hooks.emit('chat-leave', { room: room.code, member: self, self: true });
  }

  /** Drops the connection and the room; nothing of them carries over to the next join. */
  teardown(): void {
    this.#cancelJoin();
    this.#detach();
    this.#clientOff?.();
    this.#clientOff = null;
    this.client?.close();
    this.client = null;
    this.connection = 'disconnected';
    this.#everConnected = false;
    this.#clearWait();
  }

  #clearWait(): void {
    for (const timer of this.#waitTimers.splice(0)) clearTimeout(timer);
    this.#waited = 'short';
  }

  /**
   * Makes a join or create once the connection is up: sent while the server cannot be reached, it
   * would end in TIMEOUT after 10 s ("did not answer in time"), which is not what went wrong. A
   * request the connection dropped under is made again on the next connect. Undefined when a later
   * join or an exit superseded it meanwhile.
   */
  async #request(client: ChatClient, token: number, request: () => Promise<Room>): Promise<Room | undefined> {
    for (;;) {
      if (client.state !== 'connected') {
        this.#host.requestUpdate();
        await new Promise<void>((resolve) => {
          const onState = (state: ConnectionState) => {
            if (state === 'connecting') return;
            client.off('state', onState);
            resolve();
          };
          client.on('state', onState);
        });
      }
      if (token !== this.#joinToken || this.client !== client) return undefined;
      try {
        return await request();
      } catch (cause) {
        if (toChatError(cause).code !== ErrorCode.DISCONNECTED || this.client !== client) throw cause;
      }
    }
  }

  /** Abandons a join in flight: its answer, when it comes, is ignored. */
  #cancelJoin(): void {
    this.#joinToken++;
    this.busy = null;
    this.#joining = '';
  }

  #ensureClient(): ChatClient {
    const host = this.#host;
    const url = host.serverUrl;
    const key = `${host.app ?? ''} ${hostVerifies(host)}`;
    if (this.client && this.client.url === url && this.#clientKey === key) return this.client;
    this.teardown();
    this.#clientKey = key;
    const client = clientFor(host);
    const onState = (state: ConnectionState) => {
      this.connection = state;
      if (state === 'connected') {
        this.#everConnected = true;
        this.#clearWait();
      }
      this.#hooks.emit('chat-connection', { state });
      this.#host.requestUpdate();
    };
    const onError = (error: ChatError) => this.#hooks.reportError(error, 'connection');
    client.on('state', onState);
    client.on('error', onError);
    this.#clientOff = () => {
      client.off('state', onState);
      client.off('error', onError);
    };
    this.client = client;
    this.connection = client.state;
    const waited = (stage: 'slow' | 'long') => () => {
      this.#waited = stage;
      this.#host.requestUpdate();
    };
    this.#waitTimers = [setTimeout(waited('slow'), SLOW_MS), setTimeout(waited('long'), LONG_MS)];
    return client;
  }

  #attach(room: Room, created: boolean): void {
    const host = this.#host;
    const hooks = this.#hooks;
    this.room = room;
    host.room = room.code;
    hooks.entered(room);
    const onMessage = (message: ChatMessage) => hooks.message(room, message);
    const onUpdated = (message: ChatMessage) => hooks.updated(room, message);
    const onHistory = () => hooks.history();
    const onJoined = (member: Member) => hooks.emit('chat-join', { room: room.code, member, self: member.id === room.self.id });
    const onLeft = (member: Member) => hooks.emit('chat-leave', { room: room.code, member, self: member.id === room.self.id });
    // Who is typing, and how far members have read, only change what is drawn.
    const onMembers = () => host.requestUpdate();
    const onClosed = () => {
      if (this.room === room) {
        this.#detach();
        host.room = '';
        host.requestUpdate();
      }
    };
    room.on('message', onMessage);
    room.on('message-updated', onUpdated);
    room.on('typing', onMembers);
    room.on('read', onMembers);
    room.on('history', onHistory);
    room.on('member-joined', onJoined);
    room.on('member-left', onLeft);
    room.on('members', onMembers);
    room.on('closed', onClosed);
    this.#roomOff = () => {
      room.off('message', onMessage);
      room.off('message-updated', onUpdated);
      room.off('typing', onMembers);
      room.off('read', onMembers);
      room.off('history', onHistory);
      room.off('member-joined', onJoined);
      room.off('member-left', onLeft);
      room.off('members', onMembers);
      room.off('closed', onClosed);
    };
    host.requestUpdate();
    void host.updateComplete.then(() => {
      if (this.room === room) hooks.ready(room, created);
    });
  }

  #detach(): void {
    this.#roomOff?.();
    this.#roomOff = null;
    this.room = null;
    this.#hooks.left();
  }

  #onNetwork = (): void => {
    this.#online = navigator.onLine;
    this.#host.requestUpdate();
  };
}
