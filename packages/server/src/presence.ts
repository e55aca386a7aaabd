import type { Member } from '@roomchat/sdk/protocol';
import type { RoomRecord } from './rooms.js';

interface Presentee {
  member: Member;
  connections: Set<string>;
  leaveTimer: NodeJS.Timeout | undefined;
}

/** Called when a member is gone for good: its last connection left, or dropped past the grace period. */
export type LeaveListener = (room: RoomRecord, member: Member) => void;

/**
 * Who is in which room, in this process. A member (one memberId) may hold several connections;
 * they count once. When the last connection drops unannounced, the member stays present for
 * `graceMs` so that a reconnect or page reload is not shown as a leave and a join.
 */
export class Presence {
  readonly #rooms = new Map<number, { room: RoomRecord; members: Map<string, Presentee> }>();
  readonly #graceMs: number;
  readonly #onLeave: LeaveListener;

  constructor(graceMs: number, onLeave: LeaveListener) {
    this.#graceMs = graceMs;
    this.#onLeave = onLeave;
  }

  /** Adds a connection; returns the member and whether it is newly present. */
  join(record: RoomRecord, member: Member, connectionId: string): { member: Member; arrived: boolean } {
    let entry = this.#rooms.get(record.id);
    if (!entry) this.#rooms.set(record.id, (entry = { room: record, members: new Map() }));
    const room = entry.members;
    const present = room.get(member.id);
    if (present) {
      clearTimeout(present.leaveTimer);
      present.leaveTimer = undefined;
      present.connections.add(connectionId);
      return { member: present.member, arrived: false };
    }
    room.set(member.id, { member, connections: new Set([connectionId]), leaveTimer: undefined });
    return { member, arrived: true };
  }

  /**
   * Removes a connection. With `graceful` (an explicit leave) the member leaves at once when it was
   * its last connection; otherwise after the grace period. Returns the member that left at once.
   */
  leave(roomId: number, memberId: string, connectionId: string, graceful: boolean): Member | undefined {
    const entry = this.#rooms.get(roomId);
    const present = entry?.members.get(memberId);
    if (!entry || !present || !present.connections.delete(connectionId) || present.connections.size > 0) return undefined;
    if (graceful) {
      this.#remove(roomId, memberId);
      return present.member;
    }
    present.leaveTimer = setTimeout(() => {
      if (present.connections.size === 0) {
        this.#remove(roomId, memberId);
        this.#onLeave(entry.room, present.member);
      }
    }, this.#graceMs);
    present.leaveTimer.unref();
    return undefined;
  }

  /** Whether the member holds this connection in the room. */
  has(roomId: number, memberId: string, connectionId: string): boolean {
    return this.#rooms.get(roomId)?.members.get(memberId)?.connections.has(connectionId) ?? false;
  }

  /** Members present in the room, in order of arrival. */
  members(roomId: number): Member[] {
    return [...(this.#rooms.get(roomId)?.members.values() ?? [])].map((p) => p.member);
  }

  /** Cancels pending leaves (at shutdown: the members will reconnect to the next process). */
  clear(): void {
    for (const { members } of this.#rooms.values()) for (const p of members.values()) clearTimeout(p.leaveTimer);
    this.#rooms.clear();
  }

  #remove(roomId: number, memberId: string): void {
    const entry = this.#rooms.get(roomId);
    entry?.members.delete(memberId);
    if (entry?.members.size === 0) this.#rooms.delete(roomId);
  }
}
