import type { ReactiveController } from 'lit';
import { normalizeRoomCode, randomId, type Room } from '@roomchat/sdk';
import { ROOMS_KEY } from '../attributes.js';
import type { ChatHost } from './host.js';

/** Where the widget remembers the room the visitor is in: `session` (this tab, the default), `local` (every tab, across restarts) or `none`. */
export type PersistMode = 'session' | 'local' | 'none';

/** A remembered room is forgotten this long after the visitor was last in it. */
export const ROOM_MEMORY_MS = 7 * 24 * 60 * 60 * 1000;
/** Rooms remembered per site, newest first; older ones are dropped. */
const MAX_REMEMBERED = 10;
/** Member ids by server and room, always in localStorage: every tab of the visitor joins a room as one member. */
const MEMBERS_KEY = 'roomchat:members';

/** Where the message list was: the first visible row and its offset, or null for "at the bottom". */
export interface ScrollPosition {
  seq: number;
  offset: number;
}

interface RememberedRoom {
  server: string;
  code: string;
  name: string;
  scroll: ScrollPosition | null;
  at: number;
}

type MemberIds = Record<string, { id: string; at: number }>;

export interface PersistenceHost extends ChatHost {
  persist: PersistMode | undefined;
  room: string | undefined;
  name: string | undefined;
  readonly serverUrl: string;
}

export interface PersistenceOptions {
  /** The message list's position now (null at the bottom). */
  scroll(): ScrollPosition | null;
  /** The room the visitor is in now. */
  room(): Room | null;
}

/**
 * Remembers the room the visitor is in (per site, in session or local storage, forgotten after
 * {@link ROOM_MEMORY_MS}), and the member id they are in it as (in localStorage, shared by the
 * site's tabs), so that a reload, a navigation to another page of the site, or a second tab goes
 * back into the room as the same member: the server's presence grace period then shows no leave
 * and no join. The SDK keeps the tab's unsent messages itself (its outbox, in localStorage).
 */
export class PersistenceController implements ReactiveController {
  /** The room put back by {@link restore}, and where its list was, until it is shown again. */
  #restored: { code: string; scroll: ScrollPosition | null } | null = null;
  /** The name the visitor joined the current room with (the server may show it as "Ada (2)"). */
  #joinedAs: string | null = null;
  readonly #host: PersistenceHost;
  readonly #options: PersistenceOptions;

  constructor(host: PersistenceHost, options: PersistenceOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  get #mode(): PersistMode {
    const mode = this.#host.persist;
    return mode === 'local' || mode === 'none' ? mode : 'session';
  }

  hostConnected(): void {
    window.addEventListener('pagehide', this.save);
    document.addEventListener('visibilitychange', this.save);
  }

  hostDisconnected(): void {
    window.removeEventListener('pagehide', this.save);
    document.removeEventListener('visibilitychange', this.save);
  }

  /**
   * Puts the remembered room into the attributes when the page named none: the session joins it.
   * Called once, before the first render.
   */
  restore(): void {
    const host = this.#host;
    if (host.room || this.#mode === 'none') return;
    const last = this.#rooms().find((r) => r.server === host.serverUrl);
    if (!last) return;
    host.room = last.code;
    if (!host.name) host.name = last.name;
    this.#restored = { code: last.code, scroll: last.scroll };
  }

  /**
   * Once `room` is shown: whether it is the one {@link restore} put back (a silent return: focus
   * stays where the page has it), and where its list was scrolled.
   */
  takeRestored(room: Room): { scroll: ScrollPosition | null } | null {
    const restored = this.#restored;
    this.#restored = null;
    return restored?.code === room.code ? restored : null;
  }

  /**
   * The member id to join `code` as `name` (a new one to create a room with, `code` null): the one
   * the visitor has in that room under that name in any tab, else a new one. Keyed by name too:
   * two windows of one browser joining under two names are two people (a demo, a shared computer).
   * Undefined with `persist="none"` (the tab's own id then).
   */
  memberId(code: string | null, name: string): string | undefined {
    if (this.#mode === 'none') return undefined;
    if (code === null) return randomId();
    const members = readMembers();
    const room = normalizeRoomCode(code);
    return members[memberKey(this.#host.serverUrl, room, BANNED)]?.id ?? members[memberKey(this.#host.serverUrl, room, name)]?.id ?? randomId();
  }

  /**
   * The visitor was banned from `room`: a ban names the member id, so this browser joins the room
   * as that member from now on, whatever the name, and is told BANNED rather than let in as a
   * "new" guest under another name (clearing the site's storage still makes a new guest).
   */
  banned(room: Room): void {
    if (this.#mode === 'none') return;
    const members = readMembers();
    members[memberKey(this.#host.serverUrl, room.code, BANNED)] = { id: room.memberId, at: Date.now() };
    write(localStore(), MEMBERS_KEY, members);
  }

  /** The visitor is in `room` as `memberId` under the name they asked for: remember both. */
  entered(room: Room, memberId: string, name: string): void {
    if (this.#mode === 'none') return;
    const members = readMembers();
    members[memberKey(this.#host.serverUrl, room.code, name)] = { id: memberId, at: Date.now() };
    write(localStore(), MEMBERS_KEY, members);
    this.#joinedAs = name;
    this.save();
  }

  /** Remembers that `code` is joined as `memberId` under `name` (a direct room another member opened). */
  remember(code: string, memberId: string, name: string): void {
    if (this.#mode === 'none') return;
    const members = readMembers();
    members[memberKey(this.#host.serverUrl, normalizeRoomCode(code), name)] = { id: memberId, at: Date.now() };
    write(localStore(), MEMBERS_KEY, members);
  }

  /** The member ids remembered on this server, newest first: a guest's conversations are theirs. */
  memberIds(): string[] {
    const prefix = `${this.#host.serverUrl} `;
    const ids = Object.entries(readMembers())
      .filter(([key]) => key.startsWith(prefix))
      .sort(([, a], [, b]) => b.at - a.at)
      .map(([, v]) => v.id);
    return [...new Set(ids)];
  }

  /** The visitor exited `code` (or it closed): it is not rejoined on the next page. */
  forget(code: string): void {
    const server = this.#host.serverUrl;
    this.#write(this.#rooms().filter((r) => !(r.server === server && r.code === code)));
  }

  /** Writes the current room, where the list is scrolled and whether the panel is open. */
  save = (): void => {
    const room = this.#options.room();
    if (this.#mode === 'none' || !room || room.left) return;
    const host = this.#host;
    const entry: RememberedRoom = {
      server: host.serverUrl,
      code: room.code,
      name: this.#joinedAs ?? room.self.name,
      scroll: this.#options.scroll(),
      at: Date.now(),
    };
    this.#write([entry, ...this.#rooms().filter((r) => !(r.server === entry.server && r.code === entry.code))]);
  };

  #rooms(): RememberedRoom[] {
    const cutoff = Date.now() - ROOM_MEMORY_MS;
    const parsed = read(this.#storage(), ROOMS_KEY);
    return Array.isArray(parsed) ? (parsed as RememberedRoom[]).filter((r) => typeof r?.code === 'string' && typeof r.name === 'string' && r.at >= cutoff) : [];
  }

  #write(rooms: RememberedRoom[]): void {
    write(this.#storage(), ROOMS_KEY, rooms.slice(0, MAX_REMEMBERED));
  }

  #storage(): Storage | null {
    return this.#mode === 'local' ? localStore() : this.#mode === 'session' ? sessionStore() : null;
  }
}

/** The name under which a room's banned member id is kept (no name the visitor can type). */
const BANNED = '\u0000banned';
const memberKey = (server: string, code: string, name: string) => `${server} ${code} ${name.trim().toLowerCase()}`;

function readMembers(): MemberIds {
  const parsed = read(localStore(), MEMBERS_KEY);
  if (!parsed || typeof parsed !== 'object') return {};
  const cutoff = Date.now() - ROOM_MEMORY_MS;
  const kept: MemberIds = {};
  for (const [key, value] of Object.entries(parsed as MemberIds)) if (typeof value?.id === 'string' && value.at >= cutoff) kept[key] = value;
  return kept;
}

// Storage throws in sandboxed frames and some privacy modes; the widget then simply forgets.
function localStore(): Storage | null {
  try {
    return globalThis.localStorage;
  } catch {
    return null;
  }
}

function sessionStore(): Storage | null {
  try {
    return globalThis.sessionStorage;
  } catch {
    return null;
  }
}

function read(storage: Storage | null, key: string): unknown {
  try {
    return JSON.parse(storage?.getItem(key) ?? 'null');
  } catch {
    return null;
  }
}

function write(storage: Storage | null, key: string, value: unknown): void {
  try {
    storage?.setItem(key, JSON.stringify(value));
  } catch {
    // Full or refused: nothing is remembered.
  }
}
