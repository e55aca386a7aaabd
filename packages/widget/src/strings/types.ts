import type { ErrorCode } from '@roomchat/sdk';

/**
 * Every piece of text the widget shows, in one table so it can be translated. Entries that depend
 * on a value are functions. Override some or all of them with the element's `strings` property, or
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
  exit: string;

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
  reconnecting: string;
  offline: string;

  openChat: string;
  closeChat: string;
  unread: (count: number) => string;

  /** Inline error text for each server error code; `fallback` for anything else. */
  errors: Partial<Record<ErrorCode, string>> & { fallback: string };
}
