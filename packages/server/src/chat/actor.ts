import { ErrorCode, type Role } from '@roomchat/protocol';
import { ChatError } from '../errors.js';
import type { RateLimits } from '../rate-limits.js';
import type { RoomRecord } from '../rooms.js';

/** Who an entry is by: a display name, and the member id of a member (none for HTTP posts). */
export interface Author {
  name: string;
  id?: string | undefined;
  /** A signed-in user's member (the app signed its token); the link policy `verified` lets only these post links. */
  verified?: boolean | undefined;
}

/** An author known by its member id: a member, or the app's bot. */
export type IdentifiedAuthor = Author & { id: string };

/** A room an actor may act in, and who it is there. */
export interface Membership {
  room: RoomRecord;
  member: Author;
}

/**
 * Who acts on a room, whatever the transport: a connection that joined it (a member), or an HTTP
 * client that holds the room's code and names itself. The use cases (chat/sending.ts,
 * chat/changes.ts) ask it the same questions, so both answer with the same errors.
 */
export interface Actor {
  /** The room `code` names, as this actor is in it; throws NOT_A_MEMBER when it is not. */
  membership(code: string): Membership;
  /** The keys its entries are budgeted under: its own (connection, or HTTP client), and its address when that budget applies. */
  readonly budget: { own: string; address?: string | undefined };
  /** The app's own backend (REST with the app secret): may delete anyone's message of its rooms. */
  readonly moderator?: boolean | undefined;
  /** The app's own backend (the app secret): what it posts is the site's own, so no filter or hook applies. */
  readonly asApp?: boolean | undefined;
  /** An admin of the app (token role `admin`): held by no mute or slow mode. Read on every send, so a plain flag. */
  readonly admin?: boolean | undefined;
  /** The actor's role in a room it is in (chat/room-rules.ts), asked only when a role matters (a delete of another's message). */
  role?(room: RoomRecord): Promise<Role>;
  /** The connection whose request this is: its answer carries what was done, so broadcasts skip it. */
  readonly connectionId?: string | undefined;
}

/** An entry queued for storing in order; `stored` resolves once it is committed. */
export interface Queued<T> {
  stored: Promise<T>;
}

/**
 * Spends one entry of the actor's budgets. Messages and changes (edits, deletes, reactions) share
 * them: each is a log entry every member of the room receives.
 */
export async function spendEntry(rateLimits: RateLimits, { budget }: Actor): Promise<void> {
  await rateLimits.messages.consume(budget.own);
  if (budget.address !== undefined) await rateLimits.messagesPerAddress.consume(budget.address);
}

/** The member behind an actor, for what only members may do; NOT_A_MEMBER for an HTTP client. */
export function memberOf({ member }: Membership): IdentifiedAuthor {
  if (member.id === undefined) throw new ChatError(ErrorCode.NOT_A_MEMBER, 'Join the room first');
  return member as IdentifiedAuthor;
}
