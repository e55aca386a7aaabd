import type { ErrorCode } from '@roomchat/sdk';
import type { ModerationStrings } from './moderation-types.js';

export type { ModerationStrings };

/**
 * Every piece of text the widget shows, in one table so it can be translated. Entries that depend
 * on a value are functions; those with a count pick their plural form with `Intl.PluralRules`
 * (see plural.ts), so an override should too. Override some or all of them with the element's `strings` property, or
 * pick a built-in table with `lang`.
 */
export interface ChatStrings {
  /** Heading of the home view. */
  title: string;
  /** Line under the heading. */
  subtitle: string;
  nameLabel: string;
  namePlaceholder: string;
  codeLabel: string;
  codePlaceholder: string;
  join: string;
  create: string;
  or: string;
  joining: string;
  creating: string;
  nameRequired: string;
  codeRequired: string;

  roomLabel: string;
  copyCode: string;
  copied: string;
  members: (count: number) => string;
  membersTitle: string;
  you: string;
  /** The action on another member in the member list that opens a direct conversation with them. */
  message: string;
  /** Its accessible name, with the member's name. */
  messageMember: (name: string) => string;
  /** The header button and heading of the visitor's conversations (rooms and direct messages). */
  conversations: string;
  noConversations: string;
  /** Marks a direct conversation in the conversations list. */
  directMessage: string;
  /** Beside a member the host site signed in (screen readers; a check mark shows it). */
  verified: string;
  /** The button that leaves the room (after `exitConfirm`); distinct from `closeChat`, which only hides the panel. */
  exit: string;
  /** Asked before leaving; `exitConfirmYes` confirms, `cancel` stays. */
  exitConfirm: string;
  exitConfirmYes: string;

  messagesLabel: string;
  loadOlder: string;
  loadingOlder: string;
  beginning: string;
  empty: string;
  newMessages: string;
  /** A join line; `names` is one name or a list ("Ann, Bo and 3 others"), `count` how many people it names. */
  joined: (names: string, count: number) => string;
  left: (names: string, count: number) => string;
  /** The tail of a long list of names: "3 others". */
  others: (count: number) => string;
  sentAnImage: (name: string) => string;
  imageAlt: (name: string) => string;
  openImage: string;
  closeImage: string;
  openOriginal: string;

  inputLabel: string;
  inputPlaceholder: string;
  send: string;
  attachImage: string;
  dropImage: string;
  tooLong: (count: number, max: number) => string;
  sending: string;
  uploading: (percent: number) => string;
  failed: string;
  retry: string;
  discard: string;

  connecting: string;
  /** The server has not answered for a few seconds (at page load, or while joining or creating). */
  waitingForServer: string;
  reconnecting: string;
  offline: string;

  openChat: string;
  /** Hides the launcher panel; the visitor stays in the room. */
  closeChat: string;
  unread: (count: number) => string;

  // Conversation: message actions, replies, edits, deletes, reactions, typing, read receipts.
  /** The accessible name of a message's toolbar. */
  messageActions: (author: string) => string;
  reply: string;
  react: string;
  edit: string;
  delete: string;
  copyText: string;
  textCopied: string;
  /** The quick-reaction picker's name, and each of its buttons. */
  reactionPicker: string;
  reactWith: (emoji: string) => string;
  /** A reaction chip's accessible name; whether the visitor is one of them is its pressed state. */
  reactionLabel: (emoji: string, count: number) => string;
  deleteConfirm: string;
  cancel: string;
  /** A deleted message's tombstone. */
  deleted: string;
  /** The marker on an edited message, and its tooltip with the time of the edit. */
  edited: string;
  editedAt: (time: string) => string;
  /** The quote of the message replied to: a button that shows the original (`showOriginal` is its tooltip). */
  /** Read before the quote's author by screen readers: "In reply to" Ann: …. */
  inReplyTo: string;
  showOriginal: string;
  quotedImage: string;
  quotedDeleted: string;
  originalGone: string;
  /** The search button in the header and the label of its input. */
  search: string;
  /** Under the search input when nothing matches. */
  searchNone: string;
  searchClose: string;
  /** The bar above the composer while replying or editing. */
  replyingTo: (author: string) => string;
  editing: string;
  cancelReply: string;
  cancelEdit: string;
  save: string;
  /** Who is typing, by name (others only). */
  typing: (names: readonly string[]) => string;
  /** Under the visitor's last message: who has read it. */
  seenBy: (names: readonly string[]) => string;
  /** The divider above the first message unread when the visitor opened or came back to the room. */
  unreadDivider: string;

  /** The room's invite menu: its button, and what it holds. */
  invite: string;
  copyInvite: string;
  inviteCopied: string;
  showQr: string;
  /** The QR code's accessible name. */
  qrLabel: string;
  /** The bell in the room header: desktop notifications on or off. */
  notify: string;
  /** Said when the browser refuses notifications. */
  notifyBlocked: string;
  /** A notification's title: who wrote, in which room (its title, else its code). */
  notificationTitle: (author: string, room: string) => string;

  /** Moderation: menus, what a removed or muted visitor is told, the log's lines (moderation-types.ts). */
  mod: ModerationStrings;

  /** Inline error text for each server error code; `fallback` for anything else. */
  errors: Partial<Record<ErrorCode, string>> & { fallback: string };
}
