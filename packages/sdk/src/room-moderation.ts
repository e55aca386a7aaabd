import type { Member, ModerationEntry, Role, RoomModerationState, RoomSnapshot } from './protocol.js';

/** A room's moderation state as this client knows it (docs/moderation.md). */
export interface ModerationState {
  /** This member's role in the room. */
  role: Role;
  /** The room takes no new members. */
  locked: boolean;
  /** Seconds between one member's messages; 0: slow mode is off. */
  slowModeSeconds: number;
  /** When this member's mute ends (ISO 8601), while it is muted. */
  mutedUntil: string | undefined;
}

/**
 * A room's members and its moderation state, kept by folding the room's moderation entries:
 * roles change with `role` entries (a hand-over makes the owner before a moderator), the lock and
 * slow mode with theirs, this member's mute with a `mute` or `unmute` naming it.
 */
export class RoomMembers {
  #self: Member;
  #members: Map<string, Member>;
  #state: Omit<ModerationState, 'role'>;

  constructor(snapshot: RoomSnapshot) {
    this.#self = snapshot.self;
    this.#members = new Map(snapshot.members.map((m) => [m.id, m]));
    this.#state = stateOf(snapshot.moderation);
  }

  get self(): Member {
    return this.#self;
  }
  /** Present members, in order of arrival, with their roles. */
  get list(): Member[] {
    return [...this.#members.values()];
  }
  get state(): ModerationState {
    return { role: this.#self.role ?? 'member', ...this.#state };
  }

  /** Whether the member is new to the list (else its entry is replaced). */
  add(member: Member): boolean {
    const known = this.#members.has(member.id);
    this.#members.set(member.id, member);
    return !known;
  }
  remove(memberId: string): boolean {
    return this.#members.delete(memberId);
  }
  /** A re-join's snapshot: members, self and state as the server has them now. */
  reset(snapshot: RoomSnapshot): void {
    this.#self = snapshot.self;
    this.#members = new Map(snapshot.members.map((m) => [m.id, m]));
    this.#state = stateOf(snapshot.moderation);
  }

  /** Folds a moderation entry; answers whether the member list changed (roles). */
  apply(entry: ModerationEntry): boolean {
    switch (entry.action) {
      case 'lock':
      case 'unlock':
        this.#state.locked = entry.action === 'lock';
        return false;
      case 'slow-mode':
        this.#state.slowModeSeconds = entry.seconds ?? 0;
        return false;
      case 'mute':
      case 'unmute':
        if (entry.target === this.#self.id) this.#state.mutedUntil = entry.action === 'mute' ? entry.until : undefined;
        return false;
      case 'role': {
        if (entry.target === undefined || entry.role === undefined) return false;
        // A hand-over: whoever owned the room is a moderator from now on.
        if (entry.role === 'owner') for (const m of this.list) if (m.role === 'owner' && m.id !== entry.target) this.#setRole(m.id, 'moderator');
        this.#setRole(entry.target, entry.role);
        return true;
      }
      case 'ban': {
        if (entry.target === undefined) return false;
        // A banned moderator is a moderator no more.
        this.#setRole(entry.target, 'member');
        return true;
      }
      default:
        return false;
    }
  }

  #setRole(memberId: string, role: Role): void {
    const withRole = (m: Member): Member => {
      if (m.role === 'admin') return m;
      const next = { ...m };
      if (role === 'member') delete next.role;
      else next.role = role;
      return next;
    };
    const member = this.#members.get(memberId);
    if (member) this.#members.set(memberId, withRole(member));
    if (memberId === this.#self.id) this.#self = withRole(this.#self);
    if (this.#self.role === 'owner' && role === 'owner' && memberId !== this.#self.id) this.#self = { ...this.#self, role: 'moderator' };
  }
}

function stateOf(moderation: RoomModerationState | undefined): Omit<ModerationState, 'role'> {
  return { locked: moderation?.locked ?? false, slowModeSeconds: moderation?.slowModeSeconds ?? 0, mutedUntil: moderation?.mutedUntil };
}
