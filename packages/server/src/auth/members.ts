import { createHash } from 'node:crypto';
import type { Member } from '@roomchat/protocol';
import type { App } from './apps.js';
import type { Identity } from './tokens.js';

/**
 * The id others see for a member. The client's memberId merges its connections into one member,
 * so it must stay private: shown as is, anyone could join under it and be counted as that member.
 */
export function publicMemberId(memberId: string): string {
  return createHash('sha256').update(memberId).digest('base64url').slice(0, 16);
}

/**
 * Private member ids the server derives for verified users (`user:<app>:<sub>`) and the app's bots
 * (`bot:...`). A guest naming one would take that user's public id, and with it its roles in rooms
 * (chat/room-rules.ts), so guests may not.
 */
export function isReservedMemberId(memberId: string): boolean {
  return memberId.startsWith('user:') || memberId.startsWith('bot:');
}

/**
 * A verified user as a member: one per app and `sub`, so all its tabs and devices are one member
 * (and one app's user is never another app's), named and pictured by its token.
 */
export function verifiedMember(app: App, identity: Identity): Member {
  const member: Member = { id: publicMemberId(`user:${app.id}:${identity.sub}`), name: identity.name, verified: true, userId: identity.sub };
  if (identity.picture) member.avatarUrl = identity.picture;
  return member;
}

/**
 * `sub`s starting with it are the server's own (a token or a REST call naming one is refused):
 * room_members lists guests of direct conversations under it, so no host user can be taken for one.
 */
export const RESERVED_SUB_PREFIX = 'roomchat:';
const GUEST_PREFIX = `${RESERVED_SUB_PREFIX}guest:`;

/**
 * Who a member is in a private room's list (room_members.user_id): a verified user by its `sub`;
 * a guest by its public member id, which only the holder of its private memberId can join as
 * (publicMemberId is a one-way hash), after a reload too.
 */
export function principalOf(member: Pick<Member, 'id' | 'verified' | 'userId'>): string {
  return member.verified && member.userId !== undefined ? member.userId : GUEST_PREFIX + member.id;
}

/** The member id of a principal in `appId`: what the member list shows for it. */
export function memberIdOfPrincipal(appId: string, principal: string): string {
  return principal.startsWith(GUEST_PREFIX) ? principal.slice(GUEST_PREFIX.length) : publicMemberId(`user:${appId}:${principal}`);
}

/** A principal that is a guest's, with its member id; undefined for a user's `sub`. */
export function guestOfPrincipal(principal: string): string | undefined {
  return principal.startsWith(GUEST_PREFIX) ? principal.slice(GUEST_PREFIX.length) : undefined;
}
