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
 * A verified user as a member: one per app and `sub`, so all its tabs and devices are one member
 * (and one app's user is never another app's), named and pictured by its token.
 */
export function verifiedMember(app: App, identity: Identity): Member {
  const member: Member = { id: publicMemberId(`user:${app.id}:${identity.sub}`), name: identity.name, verified: true, userId: identity.sub };
  if (identity.picture) member.avatarUrl = identity.picture;
  return member;
}
