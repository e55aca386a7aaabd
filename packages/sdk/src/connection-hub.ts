import { socketConnection, type ChatSocket, type Connection } from './connection.js';
import { randomId } from './ids.js';
import { normalizeRoomCode, type Ack } from './protocol.js';

/** A tab's word to the leader over the site's BroadcastChannel. */
export type ToLeader =
  | { t: 'hello'; tab: string }
  | { t: 'req'; tab: string; id: number; event: string; payload: unknown; timeoutMs: number }
  | { t: 'bye'; tab: string };

/** The leader's word to the tabs: its socket's state, the server's events, and each tab's acks. */
export type ToTabs =
  | { t: 'state'; leader: string; connected: boolean; recovered: boolean; reason?: string }
  | { t: 'ev'; leader: string; event: string; args: unknown[]; except?: string }
  | { t: 'refused'; leader: string; message: string; data: unknown }
  | { t: 'ack'; leader: string; to: string; id: number; ack?: Ack; fail?: 'disconnected' | 'timeout' };

/** Requests that make the connection a room's member, answered with `{ room }`. */
const ENTERS = new Set(['room:create', 'room:join', 'room:open', 'direct:open']);
/** Of those, the ones two tabs asking at once (e.g. re-joins after a reconnect) can share. */
const SHAREABLE = new Set(['room:join', 'room:open', 'direct:open']);
/** Requests whose answer carries a new log entry: the server leaves the asking connection out of its broadcast. */
const APPENDS: Record<string, 'message' | 'entry'> = { 'message:send': 'message', 'message:edit': 'entry', 'message:delete': 'entry', 'reaction:add': 'entry', 'reaction:remove': 'entry' };

type Outcome = { ack?: Ack; fail?: 'disconnected' | 'timeout' };

export interface HubOptions {
  /** The leader's socket, not yet connected. */
  socket: ChatSocket;
  /** Says a message to every tab, this one included. */
  post: (message: ToTabs) => void;
  /** Calls `gone` once when the tab closes (or is closed): the leader holds its rooms for it until then. */
  watch: (tab: string, gone: () => void) => void;
  /** How long a room no tab shows any more stays joined before the connection leaves it (a reload comes back within it). */
  leaveGraceMs: number;
}

/**
 * The leader tab's side of a shared connection: the one Socket.IO connection of the site's tabs.
 * Every tab's requests go out over it and their acks come back to the asking tab; the server's
 * events go to every tab (each client keeps those of its own rooms). The server sees one member,
 * joined once: a room is left only when the last tab showing it leaves it, or closes.
 */
export class ConnectionHub {
  readonly id = randomId();
  readonly #connection: Connection;
  readonly #options: HubOptions;
  /** The tabs showing each room, by code. */
  #holders = new Map<string, Set<string>>();
  #tabs = new Set<string>();
  #shared = new Map<string, Promise<Outcome>>();
  #leaves = new Map<string, ReturnType<typeof setTimeout>>();
  #closed = false;

  constructor(options: HubOptions) {
    this.#options = options;
    const socket = options.socket;
    this.#connection = socketConnection(socket);
    socket.on('connect', () => this.#state());
    socket.on('disconnect', (reason) => this.#state(reason));
    socket.on('connect_error', (err: Error & { data?: unknown }) => {
      options.post({ t: 'refused', leader: this.id, message: err.message, data: err.data });
    });
    socket.onAny((event: string, ...args: unknown[]) => options.post({ t: 'ev', leader: this.id, event, args }));
  }

  /** Tells the tabs of this leader and connects. */
  start(): void {
    this.#state();
    this.#connection.connect();
  }

  /** Connects again (after a server-side kick or an expired token); the leader tab's client asks. */
  reconnect(): void {
    if (!this.#closed && !this.#connection.connected) this.#connection.connect();
  }

  close(): void {
    this.#closed = true;
    for (const timer of this.#leaves.values()) clearTimeout(timer);
    this.#connection.disconnect();
  }

  /** A tab's message. */
  receive(message: ToLeader): void {
    if (this.#closed) return;
    if (message.t === 'bye') return this.#gone(message.tab);
    this.#watch(message.tab);
    if (message.t === 'hello') this.#state();
    else void this.#handle(message);
  }

  #state(reason?: string): void {
    const { connected, recovered } = this.#connection;
    this.#options.post({ t: 'state', leader: this.id, connected, recovered, ...(reason === undefined ? {} : { reason }) });
  }

  #watch(tab: string): void {
    if (this.#tabs.has(tab)) return;
    this.#tabs.add(tab);
    this.#options.watch(tab, () => this.#gone(tab));
  }

  async #handle(req: Extract<ToLeader, { t: 'req' }>): Promise<void> {
    const reply = (outcome: Outcome) => this.#options.post({ t: 'ack', leader: this.id, to: req.tab, id: req.id, ...outcome });
    if (req.event === 'room:leave') {
      const code = codeOf(req.payload);
      const holders = this.#holders.get(code);
      holders?.delete(req.tab);
      // Another tab still shows the room: this tab's leave is its own, the member stays.
      if (holders?.size) return reply({ ack: { ok: true } });
      this.#holders.delete(code);
    }
    const key = SHAREABLE.has(req.event) ? `${req.event} ${JSON.stringify(req.payload)}` : undefined;
    let outcome = key === undefined ? undefined : this.#shared.get(key);
    if (!outcome) {
      outcome = this.#forward(req.event, req.payload, req.timeoutMs);
      if (key !== undefined) {
        this.#shared.set(key, outcome);
        void outcome.finally(() => this.#shared.delete(key));
      }
    }
    const result = await outcome;
    const room = (result.ack as { ok: boolean; room?: { code?: unknown } } | undefined)?.room;
    if (ENTERS.has(req.event) && result.ack?.ok && typeof room?.code === 'string' && this.#tabs.has(req.tab)) {
      this.#hold(room.code, req.tab);
    }
    reply(result);
    // The server told every connection of the room but this one: the hub tells the other tabs.
    const field = APPENDS[req.event];
    const entry = field && result.ack?.ok ? (result.ack as unknown as Record<string, unknown>)[field] : undefined;
    if (entry !== undefined) this.#options.post({ t: 'ev', leader: this.id, event: 'message:created', args: [entry], except: req.tab });
  }

  #hold(code: string, tab: string): void {
    clearTimeout(this.#leaves.get(code));
    this.#leaves.delete(code);
    const holders = this.#holders.get(code) ?? new Set<string>();
    holders.add(tab);
    this.#holders.set(code, holders);
  }

  async #forward(event: string, payload: unknown, timeoutMs: number): Promise<Outcome> {
    try {
      return { ack: await this.#connection.request(event, payload, timeoutMs) };
    } catch (cause) {
      return { fail: cause instanceof Error && cause.message === 'socket has been disconnected' ? 'disconnected' : 'timeout' };
    }
  }

  /** A tab closed: the rooms only it showed are left after the grace period, unless a tab (the same, reloaded) shows them again. */
  #gone(tab: string): void {
    if (!this.#tabs.delete(tab)) return;
    for (const [code, holders] of this.#holders) {
      if (!holders.delete(tab) || holders.size) continue;
      this.#holders.delete(code);
      const timer = setTimeout(() => {
        this.#leaves.delete(code);
        if (this.#closed || this.#holders.has(code)) return;
        this.#connection.request('room:leave', { code }, this.#options.leaveGraceMs).catch(() => undefined);
      }, this.#options.leaveGraceMs);
      this.#leaves.set(code, timer);
    }
  }
}

function codeOf(payload: unknown): string {
  const code = (payload as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? normalizeRoomCode(code) : '';
}
