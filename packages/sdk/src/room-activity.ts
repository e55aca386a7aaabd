import { TYPING_EXPIRY_MS } from './protocol.js';
import type { ChatMessage, Member } from './protocol.js';

/**
 * Who is typing in a room now. A signal lasts TYPING_EXPIRY_MS unless repeated, and ends at once
 * when that member's message arrives or the member leaves. Nothing of it is stored.
 */
export class TypingMembers {
  readonly #typing = new Map<string, { member: Member; timer: ReturnType<typeof setTimeout> }>();
  readonly #onChange: (members: Member[]) => void;

  constructor(onChange: (members: Member[]) => void) {
    this.#onChange = onChange;
  }

  get members(): Member[] {
    return [...this.#typing.values()].map((t) => t.member);
  }

  /** A member's typing signal: starts (and is announced) or is extended. */
  start(member: Member): void {
    const known = this.#typing.get(member.id);
    clearTimeout(known?.timer);
    const timer = setTimeout(() => this.stop(member.id), TYPING_EXPIRY_MS);
    (timer as { unref?: () => void }).unref?.();
    this.#typing.set(member.id, { member, timer });
    if (!known) this.#onChange(this.members);
  }

  stop(memberId: string): void {
    const typing = this.#typing.get(memberId);
    if (!typing) return;
    clearTimeout(typing.timer);
    this.#typing.delete(memberId);
    this.#onChange(this.members);
  }

  /** Forgets everyone without announcing it (the room is closed). */
  clear(): void {
    for (const { timer } of this.#typing.values()) clearTimeout(timer);
    this.#typing.clear();
  }
}

/** How far each member has read a room, this client's member included: positions only move forward. */
export class ReadPositions {
  readonly #byMember: Map<string, number>;
  #mine: number;

  constructor(mine: number, byMember: Record<string, number>) {
    this.#mine = mine;
    this.#byMember = new Map(Object.entries(byMember));
  }

  /** This client's member's position (stored on the server: it survives reloads). */
  get mine(): number {
    return this.#mine;
  }

  of(memberId: string): number {
    return this.#byMember.get(memberId) ?? 0;
  }

  /** Moves a member's position; false when it was there already or further. */
  advance(memberId: string, seq: number): boolean {
    if (seq <= this.of(memberId)) return false;
    this.#byMember.set(memberId, seq);
    return true;
  }

  /** Messages of others (texts and images, not deleted) after this member's position. */
  unread(messages: readonly ChatMessage[], selfId: string): number {
    let count = 0;
    for (let i = messages.length - 1; i >= 0 && messages[i]!.seq > this.#mine; i--) {
      const m = messages[i]!;
      if ((m.kind === 'text' || m.kind === 'image') && !m.deletedAt && m.authorId !== selfId) count++;
    }
    return count;
  }

  /** Moves this client's member's position; false when it was there already or further. */
  advanceMine(seq: number): boolean {
    if (seq <= this.#mine) return false;
    this.#mine = seq;
    return true;
  }
}
