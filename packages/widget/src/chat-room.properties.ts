import { LitElement } from 'lit';
import type { PersistMode } from './controllers/persistence.js';
import { parseStringsAttribute, type ChatStrings } from './strings/index.js';

/** `inline` fills the box the page gives it; `launcher` is a floating button that opens a panel; `page` fills the viewport. */
export type ChatRoomMode = 'inline' | 'launcher' | 'page';
/** `auto` follows `prefers-color-scheme`. */
export type ChatRoomTheme = 'auto' | 'light' | 'dark';

/**
 * The `<chat-room>` element's public, reactive properties and the attributes they reflect, apart
 * from the wiring in chat-room.ts. The attributes are documented on `ChatRoomElement`.
 */
export class ChatRoomProperties extends LitElement {
  static override properties = {
    server: { type: String },
    room: { type: String },
    roomKey: { type: String, attribute: 'room-key' },
    name: { type: String },
    app: { type: String },
    token: { type: String },
    tokenProvider: { attribute: false },
    mode: { type: String, reflect: true },
    theme: { type: String, reflect: true },
    open: { type: Boolean, reflect: true },
    lang: { type: String, reflect: true },
    titleText: { type: String, attribute: 'title-text' },
    greeting: { type: String },
    emptyText: { type: String, attribute: 'empty-text' },
    // Also settable as a JSON attribute, so a script-tag page can translate without JavaScript.
    strings: { converter: { fromAttribute: parseStringsAttribute } },
    persist: { type: String },
    inviteUrl: { type: String, attribute: 'invite-url' },
    sound: { type: Boolean },
  };

  /** The Roomchat server URL; see `ChatRoomElement.defaultServer`. */
  declare server: string | undefined;
  /** The code of the room to be in. Set it to switch rooms, clear it to leave. Updated when the visitor joins or creates one. */
  declare room: string | undefined;
  /** The site's key of the room to be in (`room-key`, e.g. a page's id): opened, or created on first use, within the app. */
  declare roomKey: string | undefined;
  /** The visitor's display name. Updated with the name the visitor picks. */
  declare name: string | undefined;
  /** The host site's app id (docs/identity.md). */
  declare app: string | undefined;
  /** A token the host's backend signed for the visitor: no name is asked, and they show as verified. */
  declare token: string | undefined;
  /** Fetches a fresh token from the host's backend (on connect, before expiry, after AUTH_EXPIRED). */
  declare tokenProvider: (() => Promise<string>) | undefined;
  declare mode: ChatRoomMode;
  declare theme: ChatRoomTheme | undefined;
  /** In launcher mode: whether the panel is open. */
  declare open: boolean;
  declare lang: string;
  /** The heading of the home view and the launcher panel (`title-text`). */
  declare titleText: string | undefined;
  /** The line under the heading. */
  declare greeting: string | undefined;
  /** What a room without messages says (`empty-text`). */
  declare emptyText: string | undefined;
  /** Overrides for some or all UI strings, on top of the table chosen by `lang`. */
  declare strings: Partial<ChatStrings> | undefined;
  // `persist`, `invite-url` and `sound`: see the class doc and the controllers that read them.
  declare persist: PersistMode | undefined;
  declare inviteUrl: string | undefined;
  declare sound: boolean;
}
