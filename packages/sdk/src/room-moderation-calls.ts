import { Emitter } from '@socket.io/component-emitter';
import type { DeleteEntry, LogEntry, Member, ModerationEntry, ModerationRequest, ReportSummary, RoomSnapshot } from './protocol.js';
import type { RoomTransport } from './room.js';
import type { RoomEvents } from './room-events.js';
import { RoomMembers, type ModerationState } from './room-moderation.js';

/**
 * The part of a {@link Room} that moderation is about (docs/moderation.md): its code (a moderator
 * may rotate it), its members with their roles, its moderation state, and the calls that act on
 * them. Each call answers with the action's log entry, which the room folds at once.
 */
export abstract class ModeratedRoom extends Emitter<RoomEvents, RoomEvents> {
  #code: string;
  readonly #transport: RoomTransport;
  /** @internal */
  protected readonly _people: RoomMembers;

  /** @internal */
  constructor(transport: RoomTransport, snapshot: RoomSnapshot) {
    super();
    this.#transport = transport;
    this.#code = snapshot.code;
    this._people = new RoomMembers(snapshot);
  }

  /** Folds an entry an ack carried into the room's timeline. */
  protected abstract _fold(entry: LogEntry): void;
  /** Throws NOT_A_MEMBER once the room was left. */
  protected abstract _checkOpen(): void;

  /** The room's code; a moderator may rotate it (the `moderation` event tells, `code` follows). */
  get code(): string {
    return this.#code;
  }
  /** The member this client is in the room. */
  get self(): Member {
    return this._people.self;
  }
  /** Members present now, in order of arrival, with their roles (`role`; absent: a plain member). */
  get members(): Member[] {
    return this._people.list;
  }
  /** This member's role and the room's moderation state (lock, slow mode, this member's mute). */
  get moderation(): ModerationState {
    return this._people.state;
  }
  /** This member's role in the room: what the moderation calls allow it. */
  get role(): ModerationState['role'] {
    return this._people.state.role;
  }

  /**
   * Takes a moderation action: FORBIDDEN when this member's role does not allow it. Resolves with
   * its log entry once stored; every member's room folds it.
   * @example
   * await room.moderate({ action: 'mute', memberId, durationMs: 10 * 60_000, reason: 'spam' });
   */
  async moderate(request: ModerationRequest): Promise<ModerationEntry> {
    this._checkOpen();
    const { entry } = await this.#transport.request('room:moderate', { code: this.code, ...request });
    this._fold(entry);
    return entry;
  }
  /** Takes a member out of the room now; it may come back. */
  kick(memberId: string, reason?: string): Promise<ModerationEntry> {
    return this.moderate({ action: 'kick', memberId, ...given({ reason }) });
  }
  /** Bans a member (by `memberId`, or a verified user by `userId`, under any name), for good or for `durationMs`. */
  ban(who: { memberId: string } | { userId: string }, options: { reason?: string; durationMs?: number } = {}): Promise<ModerationEntry> {
    return this.moderate({ action: 'ban', ...who, ...given(options) });
  }
  unban(who: { memberId: string } | { userId: string }): Promise<ModerationEntry> {
    return this.moderate({ action: 'unban', ...who });
  }
  /** Mutes a member for `durationMs`: its sends fail with MUTED (and `retryAfterMs`) until then. */
  mute(memberId: string, durationMs: number, reason?: string): Promise<ModerationEntry> {
    return this.moderate({ action: 'mute', memberId, durationMs, ...given({ reason }) });
  }
  unmute(memberId: string): Promise<ModerationEntry> {
    return this.moderate({ action: 'unmute', memberId });
  }
  /** The owner makes a member a moderator. */
  promote(memberId: string): Promise<ModerationEntry> {
    return this.moderate({ action: 'role', memberId, role: 'moderator' });
  }
  /** The owner makes a moderator a plain member again. */
  demote(memberId: string): Promise<ModerationEntry> {
    return this.moderate({ action: 'role', memberId, role: 'member' });
  }
  /** Hands the room over: `memberId` owns it, the owner before becomes a moderator. */
  transferOwnership(memberId: string): Promise<ModerationEntry> {
    return this.moderate({ action: 'role', memberId, role: 'owner' });
  }
  /** Locks the room to new members (ROOM_LOCKED), or opens it again. */
  setLocked(locked: boolean): Promise<ModerationEntry> {
    return this.moderate({ action: 'lock', locked });
  }
  /** One message per member every `seconds` (moderators excepted); 0 turns it off. */
  setSlowMode(seconds: number): Promise<ModerationEntry> {
    return this.moderate({ action: 'slow-mode', seconds });
  }
  /** Gives the room a new code (the old one stops working; members stay); resolves with it. */
  async rotateCode(): Promise<string> {
    return (await this.moderate({ action: 'rotate-code' })).code!;
  }
  /** Closes the room for good: everyone is taken out (`removed`), nobody may join or send. */
  close(reason?: string): Promise<ModerationEntry> {
    return this.moderate({ action: 'close', ...given({ reason }) });
  }

  /** Reports a message to the room's moderators; resolves with whether it is now hidden. */
  async report(messageId: string, reason: string): Promise<boolean> {
    return (await this.#transport.request('report:create', { code: this.code, id: messageId, reason })).hidden;
  }
  /** The reported messages awaiting a decision (moderators only). */
  async reports(): Promise<ReportSummary[]> {
    return (await this.#transport.request('report:list', { code: this.code })).reports;
  }
  /** A moderator's decision on a reported message: `keep` shows it again, `remove` deletes it. */
  async decideReport(messageId: string, decision: 'keep' | 'remove'): Promise<ModerationEntry | DeleteEntry> {
    const { entry } = await this.#transport.request('report:decide', { code: this.code, id: messageId, decision });
    this._fold(entry);
    return entry;
  }

  /** @internal Applies a folded moderation entry to the code, members and state, and announces it. */
  protected _moderated(entry: ModerationEntry): void {
    if (entry.action === 'code-rotated' && entry.code !== undefined && entry.code !== this.#code) {
      const old = this.#code;
      this.#code = entry.code;
      this.#transport.renamed(this as never, old);
    }
    if (this._people.apply(entry)) this.emit('members', this.members);
    this.emit('moderation', entry);
  }
}

/** The fields of `o` that are set, so that optional ones are absent rather than undefined. */
function given<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
