import type { ChatError } from './errors.js';
import type { OutboxEntry } from './outbox.js';
import type { ChatMessage, Member, ModerationEntry, RemovalReason } from './protocol.js';
import type { PendingSend } from './sends.js';

/** What a {@link Room} emits, each with its listener's signature. */
export interface RoomEvents {
  /** A new message, live or caught up after a disconnect: each once, in the room's order. */
  message: (message: ChatMessage) => void;
  /**
   * A message already in `messages` changed: edited, deleted (a tombstone: `deletedAt`, no text or
   * image), reacted to, or the message it replies to changed. Carries the message as it is now.
   */
  'message-updated': (message: ChatMessage) => void;
  /** Older messages were loaded by {@link Room.loadOlder}; they are now at the start of `messages`. */
  history: (messages: ChatMessage[]) => void;
  /** Who is typing now (others only); empties by itself a few seconds after the last signal. */
  typing: (members: Member[]) => void;
  /** A member read the room up to `seq` (for "seen by"; see {@link Room.seenBy}). */
  read: (event: { memberId: string; seq: number }) => void;
  /** {@link Room.unreadCount} changed. */
  unread: (count: number) => void;
  'member-joined': (member: Member) => void;
  'member-left': (member: Member) => void;
  /** The member list changed (a join, a leave, or a re-sync after reconnecting). */
  members: (members: Member[]) => void;
  /** The sends waiting for the server's acknowledgement changed. */
  pending: (entries: OutboxEntry[]) => void;
  /** {@link Room.sends} changed: a send was made, progressed, failed, was stored or discarded. */
  sends: (sends: PendingSend[]) => void;
  /** A send failed for good (not retryable, e.g. MESSAGE_TOO_LONG); it left the outbox, and is listed failed in `sends`. */
  'send-failed': (entry: OutboxEntry, error: ChatError) => void;
  /**
   * A moderation action was folded (docs/moderation.md): a kick, ban, mute (see `target` against
   * `self.id` to tell this member it was muted), role change, lock, slow mode, new code, close, a
   * message hidden or shown again. `members` and `moderation` already reflect it.
   */
  moderation: (entry: ModerationEntry) => void;
  /** This member was taken out of the room: kicked, banned, or the room closed. `closed` follows. */
  removed: (event: { reason: RemovalReason; message?: string }) => void;
  /** The room was left or the client closed; the Room is inert afterwards. */
  closed: () => void;
}
