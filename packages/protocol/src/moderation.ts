// Moderation as the log and a room's snapshot carry it: roles, actions, their log entries and a
// room's moderation state. The requests that cause them are in payloads.ts.
import type { ChatMessage } from './protocol.js';

/**
 * A member's role in a room (docs/moderation.md): the room's `owner` (its creator, or a user the
 * app named), a `moderator` the owner promoted, an `admin` of the app (token role `admin`), or a
 * plain `member`.
 */
export type Role = 'owner' | 'moderator' | 'admin' | 'member';

/**
 * What a moderation entry did. `kick`, `ban`, `unban`, `mute`, `unmute`, `role` target a member
 * (`target`: its `Member.id`); `hide`, `unhide` a message (`target`: its id); the others the room.
 */
export type ModerationAction =
  | 'kick'
  | 'ban'
  | 'unban'
  | 'mute'
  | 'unmute'
  | 'role'
  | 'lock'
  | 'unlock'
  | 'slow-mode'
  | 'code-rotated'
  | 'close'
  | 'hide'
  | 'unhide';

/** A moderation action, as an entry of the room's log: clients fold it like any other change. */
export interface ModerationEntry {
  kind: 'moderation';
  id: string;
  roomCode: string;
  seq: number;
  /** Who acted (display name and member id; a bot id for the app's backend). */
  author: string;
  authorId?: string;
  action: ModerationAction;
  /** The member (kick, ban, mute, role...) or the message (hide, unhide) acted on. */
  target?: string;
  /** The reason given, shown to the member concerned. */
  reason?: string;
  /** mute: until when (ISO 8601); ban: until when, absent for good. */
  until?: string;
  /** slow-mode: seconds between a member's messages, 0 for off. */
  seconds?: number;
  /** role: the target's new role. */
  role?: Role;
  /** code-rotated: the room's new code (the old one no longer opens it). */
  code?: string;
  /** unhide: the message as it is now, for clients that were given it without text. */
  message?: ChatMessage;
  createdAt: string;
  text?: undefined;
  image?: undefined;
  clientId?: undefined;
}

/** What a room's moderators set for it, as a snapshot carries it. */
export interface RoomModerationState {
  locked: boolean;
  /** Seconds between one member's messages, 0 when slow mode is off. */
  slowModeSeconds: number;
  /** When this member's mute ends (ISO 8601), when it is muted now. */
  mutedUntil?: string;
}
