import type { Member, Role } from '@roomchat/sdk';
import type { ModerationStrings } from './strings/index.js';

/** Roles by rank: an actor acts on a member only if it outranks it (docs/moderation.md#who-may-do-what). */
const RANK: Record<Role, number> = { member: 0, moderator: 1, owner: 2, admin: 3 };

export function rank(role: Role | undefined): number {
  return RANK[role ?? 'member'];
}

/** Moderators, owners and admins: delete others' messages, kick, ban, mute, lock, slow mode, reports. */
export function moderates(role: Role | undefined): boolean {
  return rank(role) >= RANK.moderator;
}

/** Owners (and admins): promote, demote, hand over, rotate the code, close. */
export function owns(role: Role | undefined): boolean {
  return rank(role) >= RANK.owner;
}

/** What the member list offers on one member. */
export type MemberAction = 'kick' | 'ban' | 'mute' | 'promote' | 'demote' | 'owner';

/** The actions `viewer` may take on `member` (none on itself, none on those it does not outrank, but a hand-over). */
export function memberActions(viewer: Role | undefined, selfId: string, member: Member): MemberAction[] {
  if (member.id === selfId || !moderates(viewer)) return [];
  const actions: MemberAction[] = [];
  const outranks = rank(viewer) > rank(member.role);
  if (outranks) actions.push('kick', 'ban', 'mute');
  if (outranks && owns(viewer)) actions.push(member.role === 'moderator' ? 'demote' : 'promote');
  if (owns(viewer) && member.role !== 'owner' && member.role !== 'admin') actions.push('owner');
  return actions;
}

/** Mute lengths the member list offers, in milliseconds: 5 minutes, 1 hour, 24 hours. */
export const MUTE_DURATIONS_MS = [5 * 60_000, 60 * 60_000, 24 * 60 * 60_000] as const;
/** Slow-mode intervals the room menu offers, in seconds (0: off). */
export const SLOW_MODE_SECONDS = [0, 10, 30, 60, 300] as const;

/** "30 seconds", "5 minutes", "24 hours": the largest whole unit. */
export function formatDuration(s: ModerationStrings, seconds: number): string {
  const whole = Math.max(1, Math.round(seconds));
  if (whole % 3600 === 0) return s.hours(whole / 3600);
  if (whole % 60 === 0) return s.minutes(whole / 60);
  if (whole > 3600) return s.hours(Math.round(whole / 3600));
  if (whole > 60) return s.minutes(Math.round(whole / 60));
  return s.seconds(whole);
}
