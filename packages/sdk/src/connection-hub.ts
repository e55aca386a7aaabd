import { socketConnection, type ChatSocket, type Connection } from './connection.js';
import { randomId } from './ids.js';
import { normalizeRoomCode, type Ack } from './protocol.js';

/** A tab's word to the leader over the site's BroadcastChannel. */
export type ToLeader =
  | { t: 'hello'; tab: string }
  | { t: 'req'; tab: string; id: number; event: string; payload: unknown; timeoutMs: number }
  | { t: 'bye'; tab: string };

/** The leader's word to the tabs: its connection's state, the server's events (for the tabs `to`), and each tab's acks. */
export type ToTabs =
  | { t: 'state'; leader: string; connected: boolean; recovered: boolean; reason?: string }
  | { t: 'ev'; leader: string; event: string; args: unknown[]; to: string[] }
  | { t: 'refused'; leader: string; message: string; data: unknown }
  | { t: 'ack'; leader: string; to: string; id: number; ack?: Ack; fail?: 'disconnected' | 'timeout' };

/** Requests that make a member of theirs (by `memberId`, so over its lane) a room's member, answered with `{ room }`. */
const ENTERS_AS_MEMBER = new Set(['room:create', 'room:join', 'room:open', 'direct:open']);
/** All requests answered with a room joined: also `direct:member`, made over the lane of the room whose member list it came from. */
const ENTERS = new Set([...ENTERS_AS_MEMBER, 'direct:member']);
/** Of those, the ones two tabs asking at once (e.g. re-joins after a reconnect) can share. */
const SHAREABLE = new Set(['room:join', 'room:open', 'direct:open']);
/** Requests whose answer carries a new log entry: the server leaves the asking connection out of its broadcast. */
const APPENDS: Record<string, 'message' | 'entry'> = { 'message:send': 'message', 'message:edit': 'entry', 'message:delete': 'entry', 'reaction:add': 'entry', 'reaction:remove': 'entry' };

type Outcome = { ack?: Ack; fail?: 'disconnected' | 'timeout' };

/**
 * One socket of the hub. The server makes a connection one member per room, so a guest's tabs in
 * a room as two members (two names in two windows: the widget keys member ids by room and name)
 * need two; each member id gets a lane, and tabs of one member share it.
 */
interface Lane {
  connection: Connection;
  /** The tabs showing each room through this lane, by code. */
  rooms: Map<string, Set<string>>;
  /** Tabs whose enter request is on its way: they hear the room's events before its answer. */
  entering: Map<string, number>;
  /** Rooms it is to leave when their grace period ends: memberships it still has on the server. */
  leaving: number;
}

export interface HubOptions {
  /** Makes a socket, not yet connected. */
  open: () => ChatSocket;
  /** Says a message to every tab, this one included. */
  post: (message: ToTabs) => void;
  /** Calls `gone` once when the tab closes (or is closed): the leader holds its rooms for it until then. */
  watch: (tab: string, gone: () => void) => void;
  /** How long a room no tab shows any more stays joined before the connection leaves it (a reload comes back within it). */
  leaveGraceMs: number;
  /** Signed-in tabs are one member whatever their member ids: one lane. */
  signedIn: boolean;
}

/**
 * The leader tab's side of a shared connection: the Socket.IO connection of the site's tabs (one
 * per member, see {@link Lane}). Every tab's requests go out over it and their acks come back to
 * the asking tab; the server's events go to the tabs showing their room. The server sees one
 * member, joined once: a room is left only when the last tab showing it leaves it, or closes.
 */
export class ConnectionHub {
  readonly id = randomId();
  readonly #options: HubOptions;
  #lanes = new Map<string, Lane>();
  #tabs = new Set<string>();
  #shared = new Map<string, Promise<Outcome>>();
  #leaves = new Set<ReturnType<typeof setTimeout>>();
  #closed = false;

  constructor(options: HubOptions) {
    this.#options = options;
  }

  /** Tells the tabs of this leader and connects the first lane. */
  start(): void {
    this.#lane('');
    this.#state();
  }

  /** Connects again (after a server-side kick or an expired token); the leader tab's client asks. */
  reconnect(): void {
    if (this.#closed) return;
    for (const lane of this.#lanes.values()) if (!lane.connection.connected) lane.connection.connect();
  }

  /** Disconnects (the tabs hear it) and stops answering: answers still owed are dropped, the tabs fail them on the next leader. */
  close(): void {
    for (const timer of this.#leaves) clearTimeout(timer);
    for (const lane of this.#lanes.values()) lane.connection.disconnect();
    this.#closed = true;
  }

  /** A tab's message. */
  receive(message: ToLeader): void {
    if (this.#closed) return;
    if (message.t === 'bye') {
      this.#gone(message.tab);
      return;
    }
    this.#watch(message.tab);
    if (message.t === 'hello') this.#state();
    else void this.#handle(message);
  }

  /** The lane of `key` (the first one made takes the first key asked for). */
  #lane(key: string): Lane {
    const existing = this.#lanes.get(key);
    if (existing) return existing;
    // A lane in no room (the first, before any join; or one whose member left) serves another member.
    for (const [idle, lane] of this.#lanes) {
      if (lane.rooms.size || lane.entering.size || lane.leaving) continue;
      this.#lanes.delete(idle);
      this.#lanes.set(key, lane);
      return lane;
    }
    const socket = this.#options.open();
    const lane: Lane = { connection: socketConnection(socket), rooms: new Map(), entering: new Map(), leaving: 0 };
    socket.on('connect', () => this.#state());
    socket.on('disconnect', (reason) => this.#state(reason));
    socket.on('connect_error', (err: Error & { data?: unknown }) => this.#post({ t: 'refused', leader: this.id, message: err.message, data: err.data }));
    socket.onAny((event: string, ...args: unknown[]) => {
      const code = (args[0] as { roomCode?: unknown } | undefined)?.roomCode;
      // A direct message names a room none of the lane's tabs is in yet: it is for its member, so every tab of the lane hears it.
      const to = event === 'direct:message' ? tabsOf(lane) : typeof code === 'string' ? [...(lane.rooms.get(code) ?? []), ...lane.entering.keys()] : [...this.#tabs];
      if (to.length) this.#post({ t: 'ev', leader: this.id, event, args, to });
    });
    this.#lanes.set(key, lane);
    lane.connection.connect();
    return lane;
  }

  /** Connected when every lane is: a lane's drop is every tab's, and its return makes them all re-join (the others' re-joins are no-ops). */
  #state(reason?: string): void {
    const lanes = [...this.#lanes.values()].map((l) => l.connection);
    const connected = lanes.every((c) => c.connected);
    const recovered = lanes.every((c) => c.recovered);
    this.#post({ t: 'state', leader: this.id, connected, recovered, ...(reason === undefined ? {} : { reason }) });
  }

  #post(message: ToTabs): void {
    if (!this.#closed) this.#options.post(message);
  }

  #watch(tab: string): void {
    if (this.#tabs.has(tab)) return;
    this.#tabs.add(tab);
    this.#options.watch(tab, () => this.#gone(tab));
  }

  /** The lane a request goes over: an enter's by member id; another's, the one the tab is in that room through. */
  #route(req: Extract<ToLeader, { t: 'req' }>): Lane {
    const payload = (req.payload ?? {}) as { memberId?: unknown };
    if (ENTERS_AS_MEMBER.has(req.event)) return this.#lane(this.#options.signedIn ? 'user' : String(payload.memberId ?? ''));
    const code = codeOf(req.payload);
    for (const lane of this.#lanes.values()) if (lane.rooms.get(code)?.has(req.tab)) return lane;
    return this.#lanes.values().next().value ?? this.#lane('');
  }

  async #handle(req: Extract<ToLeader, { t: 'req' }>): Promise<void> {
    const reply = (outcome: Outcome) => this.#post({ t: 'ack', leader: this.id, to: req.tab, id: req.id, ...outcome });
    const lane = this.#route(req);
    const code = codeOf(req.payload);
    if (req.event === 'room:leave') {
      const holders = lane.rooms.get(code);
      holders?.delete(req.tab);
      // Another tab still shows the room: this tab's leave is its own, the member stays.
      if (holders?.size) return reply({ ack: { ok: true } });
      lane.rooms.delete(code);
    }
    const entering = ENTERS.has(req.event);
    if (entering) lane.entering.set(req.tab, (lane.entering.get(req.tab) ?? 0) + 1);
    const key = SHAREABLE.has(req.event) ? `${req.event} ${JSON.stringify(req.payload)}` : undefined;
    let outcome = key === undefined ? undefined : this.#shared.get(key);
    if (!outcome) {
      outcome = this.#forward(lane, req.event, req.payload, req.timeoutMs);
      if (key !== undefined) {
        this.#shared.set(key, outcome);
        void outcome.finally(() => this.#shared.delete(key));
      }
    }
    const result = await outcome;
    if (entering) {
      const left = (lane.entering.get(req.tab) ?? 1) - 1;
      if (left) lane.entering.set(req.tab, left);
      else lane.entering.delete(req.tab);
      const room = (result.ack as { ok: boolean; room?: { code?: unknown } } | undefined)?.room;
      if (result.ack?.ok && typeof room?.code === 'string' && this.#tabs.has(req.tab)) {
        const holders = lane.rooms.get(room.code) ?? new Set<string>();
        holders.add(req.tab);
        lane.rooms.set(room.code, holders);
      }
    }
    reply(result);
    // The server told every connection of the room but this one: the hub tells the lane's other tabs.
    const field = APPENDS[req.event];
    const entry = field && result.ack?.ok ? (result.ack as unknown as Record<string, unknown>)[field] : undefined;
    const others = [...(lane.rooms.get(code) ?? [])].filter((tab) => tab !== req.tab);
    if (entry !== undefined && others.length) this.#post({ t: 'ev', leader: this.id, event: 'message:created', args: [entry], to: others });
  }

  async #forward(lane: Lane, event: string, payload: unknown, timeoutMs: number): Promise<Outcome> {
    try {
      return { ack: await lane.connection.request(event, payload, timeoutMs) };
    } catch (cause) {
      return { fail: cause instanceof Error && cause.message === 'socket has been disconnected' ? 'disconnected' : 'timeout' };
    }
  }

  /** A tab closed: the rooms only it showed are left after the grace period, unless a tab (the same, reloaded) shows them again. */
  #gone(tab: string): void {
    if (!this.#tabs.delete(tab)) return;
    for (const lane of this.#lanes.values()) {
      lane.entering.delete(tab);
      for (const [code, holders] of lane.rooms) {
        if (!holders.delete(tab) || holders.size) continue;
        lane.rooms.delete(code);
        lane.leaving++;
        const timer = setTimeout(() => {
          this.#leaves.delete(timer);
          lane.leaving--;
          if (this.#closed || lane.rooms.has(code) || !lane.connection.connected) return;
          lane.connection.request('room:leave', { code }, this.#options.leaveGraceMs).catch(() => undefined);
        }, this.#options.leaveGraceMs);
        this.#leaves.add(timer);
      }
    }
  }
}

/** Every tab a lane serves: those in its rooms, and those entering one. */
function tabsOf(lane: Lane): string[] {
  return [...new Set([...[...lane.rooms.values()].flatMap((tabs) => [...tabs]), ...lane.entering.keys()])];
}

function codeOf(payload: unknown): string {
  const code = (payload as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? normalizeRoomCode(code) : '';
}
