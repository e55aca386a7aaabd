import { ConnectionHub, type ToLeader, type ToTabs } from './connection-hub.js';
import type { ChatSocket, Connection, ConnectionEvents } from './connection.js';
import { randomId } from './ids.js';
import type { Ack } from './protocol.js';

/** How long a room no tab shows any more stays joined: a reload of its last tab comes back within it. */
const LEAVE_GRACE_MS = 10_000;

type Listener = (...args: unknown[]) => void;
interface Pending {
  resolve: (ack: Ack) => void;
  reject: (error: Error) => void;
  /** Told to a leader (not queued): lost if that leader goes. */
  sent: boolean;
  timer: ReturnType<typeof setTimeout>;
}

/** Whether this page can share a connection with its site's other tabs (Web Locks and BroadcastChannel). */
export function canShareConnection(): boolean {
  return typeof BroadcastChannel === 'function' && typeof navigator === 'object' && typeof navigator.locks?.request === 'function';
}

/**
 * One tab's side of the connection shared by the tabs of a site (same origin, same server and
 * app): the tabs elect a leader with a Web Lock, the leader holds the one Socket.IO connection
 * (connection-hub.ts), and every tab talks to it over a BroadcastChannel. When the leader tab
 * closes, its lock passes to another tab, which connects; the tabs' clients see a disconnect and
 * a connect, and re-join and catch up as after any reconnect. docs/decisions/0014 says why not a
 * SharedWorker.
 */
export class SharedConnection implements Connection {
  connected = false;
  recovered = false;
  readonly #name: string;
  readonly #open: () => ChatSocket;
  readonly #signedIn: boolean;
  readonly #tab = randomId();
  #channel: BroadcastChannel | undefined;
  #hub: ConnectionHub | undefined;
  /** The leader this tab listens to; messages of an older one are ignored. */
  #leader: string | undefined;
  #listeners = new Map<string, Set<Listener>>();
  #pending = new Map<number, Pending>();
  /** Requests made while no leader is known; sent to the first one. */
  #queued: Extract<ToLeader, { t: 'req' }>[] = [];
  #nextId = 0;
  #started = false;
  #closed = false;
  /** Ends this tab's hold of its locks. */
  #release: (() => void)[] = [];

  /**
   * @param name what the sharing tabs have in common (the server's URL, the app, guest or user)
   * @param open makes the socket, when this tab becomes the leader
   */
  constructor(name: string, open: () => ChatSocket, signedIn: boolean) {
    this.#name = `roomchat:connection:${name}`;
    this.#open = open;
    this.#signedIn = signedIn;
  }

  connect(): void {
    if (this.#closed) return;
    if (this.#started) {
      this.#hub?.reconnect();
      return;
    }
    this.#started = true;
    const channel = new BroadcastChannel(this.#name);
    channel.onmessage = (event: MessageEvent<ToTabs | ToLeader>) => this.#receive(event.data);
    this.#channel = channel;
    // The tab's own lock, held for its life, tells the leader when it is gone (closed, crashed):
    // the leader asks for it and gets it then. Only once it is held does the tab say hello.
    void this.#hold(`${this.#name}:tab:${this.#tab}`, () => {
      this.#tell({ t: 'hello', tab: this.#tab });
      void this.#hold(`${this.#name}:leader`, () => this.#lead());
    });
  }

  disconnect(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#fail('socket has been disconnected');
    if (this.#started) this.#tell({ t: 'bye', tab: this.#tab });
    this.#hub?.close();
    this.#hub = undefined;
    this.#channel?.close();
    for (const release of this.#release) release();
    this.connected = false;
  }

  on<E extends keyof ConnectionEvents>(event: E, listener: ConnectionEvents[E]): void {
    const set = this.#listeners.get(event) ?? new Set();
    set.add(listener as Listener);
    this.#listeners.set(event, set);
  }

  request(event: string, payload: unknown, timeoutMs: number): Promise<Ack> {
    return new Promise<Ack>((resolve, reject) => {
      if (this.#closed) return reject(new Error('socket has been disconnected'));
      const id = this.#nextId++;
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error('operation has timed out'));
      }, timeoutMs);
      const sent = this.#leader !== undefined;
      this.#pending.set(id, { resolve, reject, timer, sent });
      const req = { t: 'req' as const, tab: this.#tab, id, event, payload, timeoutMs };
      if (sent) this.#tell(req);
      else this.#queued.push(req);
    });
  }

  /** Holds the lock `name` until disconnect(), calling `granted` when it is given. */
  #hold(name: string, granted: () => void): Promise<unknown> {
    return navigator.locks.request(name, () => {
      if (this.#closed) return undefined;
      granted();
      return new Promise<void>((resolve) => this.#release.push(resolve));
    });
  }

  #lead(): void {
    const hub = new ConnectionHub({
      open: this.#open,
      signedIn: this.#signedIn,
      post: (message) => {
        this.#channel?.postMessage(message);
        this.#receive(message);
      },
      // Granted only once the tab let go of its own lock, i.e. closed.
      watch: (tab, gone) => void navigator.locks.request(`${this.#name}:tab:${tab}`, () => (this.#closed ? undefined : gone())),
      leaveGraceMs: LEAVE_GRACE_MS,
    });
    this.#hub = hub;
    hub.start();
  }

  /** To the leader: this tab's hub, or the channel. */
  #tell(message: ToLeader): void {
    if (this.#hub) this.#hub.receive(message);
    else this.#channel?.postMessage(message);
  }

  #receive(message: ToTabs | ToLeader): void {
    if (this.#closed) return;
    if (message.t === 'hello' || message.t === 'req' || message.t === 'bye') this.#hub?.receive(message);
    else if (message.t === 'state') this.#state(message);
    else if (message.leader !== this.#leader) return;
    else if (message.t === 'ev') {
      if (message.to.includes(this.#tab)) this.#emit(message.event, ...message.args);
    }
    else if (message.t === 'refused') this.#emit('connect_error', Object.assign(new Error(message.message), { data: message.data }));
    else if (message.to === this.#tab) {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      clearTimeout(pending.timer);
      if (message.ack) pending.resolve(message.ack);
      else pending.reject(new Error(message.fail === 'disconnected' ? 'socket has been disconnected' : 'operation has timed out'));
    }
  }

  #state(message: Extract<ToTabs, { t: 'state' }>): void {
    if (message.leader !== this.#leader) {
      // A new leader: the old one's connection is gone with it, and so are the answers it owed.
      if (this.connected) this.#dropped('transport close');
      this.#fail('socket has been disconnected', true);
      this.#leader = message.leader;
      for (const req of this.#queued.splice(0)) {
        const pending = this.#pending.get(req.id);
        if (!pending) continue; // timed out while queued
        pending.sent = true;
        this.#tell(req);
      }
    }
    if (message.connected && !this.connected) {
      this.connected = true;
      this.recovered = message.recovered;
      this.#emit('connect');
    } else if (!message.connected && this.connected) this.#dropped(message.reason ?? 'transport close');
  }

  #dropped(reason: string): void {
    this.connected = false;
    this.#emit('disconnect', reason);
  }

  /** Rejects the requests waiting for an answer: every one, or those `sentOnly` a leader had. */
  #fail(message: string, sentOnly = false): void {
    for (const [id, pending] of this.#pending) {
      if (sentOnly && !pending.sent) continue;
      clearTimeout(pending.timer);
      this.#pending.delete(id);
      pending.reject(new Error(message));
    }
  }

  #emit(event: string, ...args: unknown[]): void {
    for (const listener of this.#listeners.get(event) ?? []) listener(...args);
  }
}
