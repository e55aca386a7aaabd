import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { normalizeRoomCode, type ChatClient, type ChatError, type ChatMessage, type Room } from '@roomchat/sdk';
import { ChatRoomProperties } from './chat-room.properties.js';
import { chatRoomStyles } from './chat-room.styles.js';
import { AnnouncerController } from './controllers/announcer.js';
import { ComposerController } from './controllers/composer.js';
import { ConversationController } from './controllers/conversation.js';
import { ConversationsController } from './controllers/conversations.js';
import { CopyCodeController } from './controllers/copy-code.js';
import { ExitConfirmController } from './controllers/exit-confirm.js';
import { focusIn } from './controllers/host.js';
import { HomeFormController } from './controllers/home-form.js';
import { LauncherController } from './controllers/launcher.js';
import { InviteController } from './controllers/invite.js';
import { LightboxController } from './controllers/lightbox.js';
import { LocaleController } from './controllers/locale.js';
import { MembersController } from './controllers/members.js';
import { ModerationController } from './controllers/moderation.js';
import { NotificationsController } from './controllers/notifications.js';
import { PersistenceController } from './controllers/persistence.js';
import { ScrollAnchoringController } from './controllers/scroll-anchoring.js';
import { hostVerifies, SessionController } from './controllers/session.js';
import { rememberName } from './dom.js';
import { chatEvent, type ChatErrorAction, type ChatRoomEventDetail, type ChatRoomEventMap } from './events.js';
import type { ChatStrings } from './strings/index.js';
import { isOwn } from './timeline.js';
import { renderConnectionBanner } from './views/connection-banner.js';
import { renderConversations } from './views/conversations.js';
import { renderBell } from './views/bell.js';
import { renderHome } from './views/home-view.js';
import { renderInvite } from './views/invite.js';
import { renderLauncher, renderPanelBar } from './views/launcher.js';
import { renderRemoved } from './views/moderation-notice.js';
import { renderRoomView } from './views/room-view.js';
import { errorText } from './errors.js';

export type { ChatRoomMode, ChatRoomTheme } from './chat-room.properties.js';

/**
 * Room chat as one element: a home view to pick a name and create or join a room by code, and a
 * room view with members, history, images and a composer. Built on `@roomchat/sdk`.
 *
 * @example
 * <script src="https://chat.example.com/widget.js" defer></script>
 * <chat-room></chat-room>
 * <chat-room room="K7QWM3XP" name="Ada" mode="launcher"></chat-room>
 *
 * @attr server - The Roomchat server URL. Default: the origin `widget.js` was loaded from (ESM: the page's origin).
 * @attr room - A room code to join; changing it switches rooms, clearing it leaves.
 * @attr room-key - The site's key of a room (`product-123`): joins the app's room with that key, creating it on first use when the app allows.
 * @attr name - The visitor's display name; with `room` set too, the widget joins without asking.
 * @attr app - The host site's app id; default: the server's default app.
 * @attr token - A token the host signed for the visitor (docs/identity.md): no name is asked.
 * @attr mode - `inline` (default), `launcher` (a floating button and a panel) or `page` (a full-page chat).
 * @attr open - In launcher mode, whether the panel is open.
 * @attr theme - `auto` (default), `light` or `dark`.
 * @attr lang - The language: `en`, `fr`, `es`, `de`, `pt-BR`, `ja`, `ar` (right to left); else the nearest ancestor's `lang`, else the browser's.
 * @attr title-text - The heading of the home view and the launcher panel. Default "Roomchat".
 * @attr greeting - The line under the heading, e.g. "Questions about your order? Ask us."
 * @attr empty-text - What a room without messages says. Default "No messages yet. Say hello!"
 * @attr persist - Where the room is remembered across reloads and pages of the site: `session` (default: this tab), `local` (every tab, for 7 days) or `none`.
 * @attr invite-url - The invite link's template, e.g. `https://shop.example/chat?room={code}`. Default: this page with `#roomchat=CODE`, which opens the widget in the room.
 * @attr share-connection - `off`: this tab keeps a connection of its own. Default: the site's tabs share one (a leader tab holds it, docs/decisions/0014), read when the widget first connects.
 * @attr sound - Present: a short beep when a message arrives while the room is out of sight (off by default).
 * @attr strings - JSON overrides of UI strings, e.g. `strings='{"join":"Enter"}'` (the property takes an object).
 *
 * @event chat-ready - The visitor entered a room and its history is shown. Detail: `{ room, self, created }`.
 * @event chat-message - A message was stored in the room. Detail: `{ room, message, own }`.
 * @event chat-join - Someone joined. Detail: `{ room, member, self }`.
 * @event chat-leave - Someone left (`self: true` when the visitor exits). Detail: `{ room, member, self }`.
 * @event chat-error - Something failed that the visitor was shown. Detail: `{ code, message, action }`.
 * @event chat-connection - The connection state changed. Detail: `{ state }`.
 *
 * @csspart base - The chat surface (the panel in launcher mode).
 * @csspart home - The home view.
 * @csspart header - The room header.
 * @csspart messages - The scrolling message list.
 * @csspart message - One message (also `own-message`, `system-message`, `pending-message`).
 * @csspart bubble - The bubble of a message (also `deleted-bubble`: the tombstone of a deleted one).
 * @csspart reply-quote - The quote above a reply: a button that shows the original.
 * @csspart edited - The "(edited)" marker.
 * @csspart reactions - The reaction chips under a message.
 * @csspart reaction - One reaction chip (emoji and count); `aria-pressed` when the visitor reacted.
 * @csspart message-actions - A message's toolbar (reply, react, edit, delete, copy) or delete confirmation.
 * @csspart reaction-picker - The quick reactions a toolbar opens.
 * @csspart seen - "Seen by …" under the visitor's last message.
 * @csspart unread-divider - The "New messages" line above the first unread message.
 * @csspart typing - "Ann is typing…" above the composer.
 * @csspart compose-target - The reply or edit bar above the composer.
 * @csspart composer - The form at the bottom.
 * @csspart input - The message text area.
 * @csspart send-button - The send button.
 * @csspart attach-button - The image picker button.
 * @csspart search-button - The header's search button; `search`, `search-input`, `search-results`: the box it opens.
 * @csspart conversations-button - The header's Conversations button; `conversations`: the list it opens (rooms and direct messages, with unread counts).
 * @csspart member-message - The "Message" action on another member in the member list (a direct conversation).
 * @csspart exit-confirm - "Leave this room?", asked before leaving.
 * @csspart moderation-button - The header's Moderation button (moderators); `moderation-menu`: its menu; `mod-confirm`: a moderator's question; `role-badge`: "owner" or "moderator" beside a name.
 * @csspart removed - What a kicked or banned visitor (or everyone in a closed room) sees; `mod-notice`: "You are muted until …" or slow mode's wait above the composer.
 * @csspart panel-bar - The launcher panel's title bar, with the button that hides the panel.
 * @csspart launcher - The floating button (launcher mode).
 * @csspart badge - The unread count on the launcher.
 * @csspart lightbox - The dialog that shows an image full size.
 *
 * @cssproperty --chat-bg - Background. Default `#ffffff` (dark: `#15171c`).
 * @cssproperty --chat-surface - Header and composer background. Default `#f6f7f9` (dark: `#1d2027`).
 * @cssproperty --chat-text - Text colour. Default `#17191e` (dark: `#e9ebef`).
 * @cssproperty --chat-muted - Secondary text. Default `#5f6672` (dark: `#a0a7b4`).
 * @cssproperty --chat-border - Borders. Default `#e2e5ea` (dark: `#2e323b`).
 * @cssproperty --chat-accent - Buttons, own bubbles, focus ring. Default `#4f46e5` (dark: `#6d6af5`).
 * @cssproperty --chat-accent-text - Text on the accent. Default `#ffffff`.
 * @cssproperty --chat-bubble-bg - Others' bubbles. Default `#eef0f4` (dark: `#262a33`).
 * @cssproperty --chat-own-bubble-bg - The visitor's bubbles. Default: the accent (dark: 12 % darker, for white text).
 * @cssproperty --chat-own-bubble-text - Text in the visitor's bubbles. Default: the accent text.
 * @cssproperty --chat-danger - Errors and the unread badge. Default `#c81e1e` (dark: `#ff7070`).
 * @cssproperty --chat-radius - Corner radius. Default `16px`.
 * @cssproperty --chat-font - Font family. Default: the system UI font, then colour emoji fonts.
 * @cssproperty --chat-font-size - Base font size. Default `15px`.
 * @cssproperty --chat-height - Height in inline mode. Default `100%`.
 * @cssproperty --chat-min-height - Minimum height in inline mode. Default `420px`.
 * @cssproperty --chat-panel-width - Launcher panel width. Default `380px`.
 * @cssproperty --chat-panel-height - Launcher panel height. Default `600px`.
 * @cssproperty --chat-launcher-inset - Distance of the launcher from the corner. Default `20px`.
 * @cssproperty --chat-z-index - Stacking of the launcher and panel. Default `2147483000`.
 */
export class ChatRoomElement extends ChatRoomProperties {
  static override styles = chatRoomStyles;
  static override shadowRootOptions: ShadowRootInit = { ...LitElement.shadowRootOptions, delegatesFocus: false };
  /**
   * The server URL used when no `server` attribute is set. The script-tag bundle sets it to the
   * origin it was loaded from; otherwise the page's origin is used.
   */
  static defaultServer: string | undefined;

  // Each concern's state and handlers live in a controller (controllers/), each piece of markup in
  // a view (views/); the element holds the public API and wires them together.
  readonly #announcer = new AnnouncerController(this);
  readonly #i18n = new LocaleController(this);
  readonly #exitConfirm = new ExitConfirmController(this, () => void this.exit());
  readonly #session = new SessionController(this, {
    emit: (name, detail) => this.#emit(name, detail),
    reportError: (error, action) => this.#reportError(error, action),
    joinStarted: () => (this.#home.error = null),
    entered: (room) => this.#entered(room),
    left: () => this.#left(),
    exited: (code) => {
      this.#home.code = '';
      this.#persist.forget(code);
    },
    memberId: (code, name): string | undefined => this.#persist.memberId(code, name),
    joinedAs: (room, memberId, name) => this.#persist.entered(room, memberId, name),
    joinFailed: async (error, kind, code) => {
      this.#reportError(error, kind);
      if (kind === 'join') this.#persist.forget(normalizeRoomCode(code));
      // Switching rooms failed: the visitor stays where they were and is told below the composer.
      const text = errorText(this.#strings, error.code);
      if (this.#session.room) this.#composer.error = text;
      else await this.#home.failed(error, text, code);
    },
    ready: (room, created) => {
      this.#emit('chat-ready', { room: room.code, self: room.self, created });
      // Back after a reload or a navigation: the visitor's place in the list, and the page's focus.
      const restored = this.#persist.takeRestored(room);
      if (restored?.scroll) this.#scroll.restore(restored.scroll);
      else if (!restored && (this.mode !== 'launcher' || this.open)) focusIn(this, '#input');
    },
    message: (room, message) => this.#messageArrived(room, message),
    updated: (_room, message) => this.#conversation.updated(message),
    history: () => this.#scroll.historyArrived(),
  });
  readonly #home = new HomeFormController(this, {
    strings: () => this.#strings,
    name: () => this.name,
    verified: () => hostVerifies(this),
    keyed: () => Boolean(this.roomKey),
    // With `room-key`, the home view only asks a guest's name: either button opens the keyed room.
    enter: (kind, code, name) => void (this.roomKey ? this.#session.enter('open', this.roomKey, name) : this.#session.enter(kind, code, name)),
  });
  readonly #scroll = new ScrollAnchoringController(this, {
    room: () => this.#session.room,
    reportError: (error, action) => this.#reportError(error, action),
  });
  readonly #composer = new ComposerController(this, {
    strings: () => this.#strings,
    // A refused send may be slow mode's: the moderation notice counts down to the next.
    reportError: (error, action) => this.#reportError(error, action),
    sent: () => this.#scroll.stickToBottom(),
    divert: (text): boolean => this.#conversation.target.divert(text),
  });
  readonly #conversation = new ConversationController(this, {
    room: () => this.#session.room,
    strings: () => this.#strings,
    composer: this.#composer,
    scroll: this.#scroll,
    shown: () => this.mode !== 'launcher' || this.open,
    announce: (text) => this.#announcer.announce(text),
    reportError: (error, action) => this.#reportError(error, action),
  });
  readonly #moderation: ModerationController = new ModerationController(this, {
    room: () => this.#session.room,
    strings: () => this.#strings,
    announce: (text) => this.#announcer.announce(text),
    composer: this.#composer,
    reportError: (error, action) => this.#reportError(error, action),
    removed: (room, reason) => reason === 'banned' && this.#persist.banned(room),
  });
  readonly #persist: PersistenceController = new PersistenceController(this, { scroll: () => this.#scroll.position(), room: (): Room | null => this.#session.room });
  // The member list's "Message": a direct conversation with that member, as who the visitor is here.
  readonly #members = new MembersController(this, (member) => void this.#session.enter('direct', member.id, this.#session.room?.self.name ?? ''));
  readonly #conversations: ConversationsController = new ConversationsController(this, {
    client: () => this.#session.client,
    room: () => this.#session.room,
    memberIds: () => this.#persist.memberIds(),
    remember: (code, memberId, name) => this.#persist.remember(code, memberId, name),
    switchTo: (code) => void this.#session.enter('join', code, this.#session.room?.self.name ?? this.name ?? ''),
    reportError: (error) => this.#reportError(error, 'connection'),
  });
  readonly #invite = new InviteController(this, (text) => this.#announcer.announce(text));
  readonly #notify: NotificationsController = new NotificationsController(this, {
    room: (): Room | null => this.#session.room,
    strings: () => this.#strings,
    announce: (text) => this.#announcer.announce(text),
  });
  readonly #lightbox = new LightboxController(this);
  readonly #copyCode = new CopyCodeController(this, (text) => this.#announcer.announce(text));
  readonly #launcher = new LauncherController(this, {
    inRoom: () => this.#session.room !== null,
    lightboxOpen: () => this.#lightbox.shown !== null,
  });

  constructor() {
    super();
    this.mode = 'inline';
    this.open = false;
    this.sound = false;
  }

  // ---------------------------------------------------------------- lifecycle

  override connectedCallback(): void {
    super.connectedCallback();
    // An invite in the URL wins over the room remembered from the last page.
    if (!this.hasUpdated && !this.#invite.follow()) this.#persist.restore();
    // Re-inserted after a teardown: get back into the room the attributes name.
    if (this.hasUpdated && !this.#session.room) this.#session.sync();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('name') && this.name && !this.#session.room) this.#home.name = this.name;
    if (changed.has('room') && this.room && !this.#session.room) this.#home.code = this.room;
    if (changed.has('server') && changed.get('server') !== undefined && this.#session.client) {
      // A different server: nothing of the old connection carries over.
      this.#session.teardown();
    }
    if (changed.has('open') && this.open) {
      this.#launcher.clearUnread();
      this.#scroll.stickToBottom();
      this.#conversation.reads.returned();
    }
  }

  protected override shouldUpdate(): boolean {
    return this.#i18n.resolve();
  }

  /** Also waits for the language's strings when they are loading, and the render that follows. */
  protected override async getUpdateComplete(): Promise<boolean> {
    const done = await super.getUpdateComplete();
    return this.#i18n.loading ? this.#i18n.loading.then(() => this.getUpdateComplete()) : done;
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Shown: connect now, so a server that cannot be reached is said before the visitor tries.
    if (this.mode !== 'launcher' || this.open) this.#session.connect();
    if (changed.has('room') || changed.has('roomKey') || changed.has('server') || changed.has('name') || changed.has('token') || changed.has('tokenProvider')) this.#session.sync();
    if (changed.has('open') && changed.get('open') !== undefined) this.#launcher.focusAfterToggle();
  }

  // ---------------------------------------------------------------- public API

  /** The room the visitor is in, from `@roomchat/sdk`, for pages that want more than events. */
  get currentRoom(): Room | null {
    return this.#session.room;
  }

  /** The connection the element uses, once it made one. */
  get client(): ChatClient | null {
    return this.#session.client;
  }

  /** The resolved server URL. */
  get serverUrl(): string {
    return (this.server || ChatRoomElement.defaultServer || location.origin).replace(/\/+$/, '');
  }

  /** Leaves the current room and shows the home view, as the Exit button does. */
  async exit(): Promise<void> {
    return this.#session.exit();
  }

  // ---------------------------------------------------------------- wiring

  get #strings(): ChatStrings {
    return this.#i18n.strings;
  }

  #emit<K extends keyof ChatRoomEventMap>(name: K, detail: ChatRoomEventDetail<K>): void {
    this.dispatchEvent(chatEvent(name, detail));
  }

  #reportError(error: ChatError, action: ChatErrorAction): void {
    this.#emit('chat-error', { code: error.code, message: error.message, action });
  }

  #entered(room: Room): void {
    this.name = room.self.name;
    rememberName(room.self.name);
    this.#members.close();
    this.#conversations.close();
    this.#scroll.reset();
    this.#scroll.stickToBottom();
    this.#composer.enter(room);
    this.#conversation.entered();
    this.#moderation.entered(room);
  }

  #left(): void {
    this.#composer.leave();
    this.#conversation.left();
    this.#moderation.left();
    this.#members.close();
    this.#lightbox.clear();
    this.#invite.close();
    this.#exitConfirm.reset();
    this.#scroll.reset();
    this.#launcher.clearUnread();
  }

  #messageArrived(room: Room, message: ChatMessage): void {
    const own = isOwn(message, room.self.id);
    this.#scroll.messageArrived(message, own);
    this.#launcher.messageArrived(message, own);
    this.#emit('chat-message', { room: room.code, message, own });
    this.requestUpdate();
  }

  // ---------------------------------------------------------------- rendering

  protected override render(): TemplateResult {
    const room = this.#session.room;
    const { dir } = this.#i18n;
    const launcher = this.#launcher;
    const bar = this.mode === 'launcher' ? renderPanelBar(this.#strings, launcher.close, room?.title) : nothing;
    const frame = html`<div class="frame" part="base" dir=${dir}>${bar}${room ? this.#renderRoom(room) : this.#moderation.removed ? renderRemoved(this.#strings, this.#moderation.removed, this.#moderation.backHome) : this.#renderHome()}</div>
      <div class="visually-hidden" role="status" aria-live="polite">${this.#announcer.text}</div>`;
    if (this.mode !== 'launcher') return frame;
    return renderLauncher({
      strings: this.#strings,
      dir,
      open: this.open,
      unread: launcher.unread,
      frame,
      toggle: launcher.toggle,
      panelKey: launcher.panelKey,
    });
  }

  #renderHome(): TemplateResult {
    // The form controller's fields and handlers are the view's (name, code, error, nameInput, join...).
    const session = this.#session;
    return html`${renderConnectionBanner(this.#strings, session.status)}
      ${renderHome({ ...this.#home, verified: this.#home.verified, strings: this.#strings, busy: session.busy, waiting: session.waiting })}`;
  }

  #renderRoom(room: Room): TemplateResult {
    return renderRoomView(room, {
      strings: this.#strings,
      locale: this.#i18n.locale,
      status: this.#session.status,
      errorText: (error) => errorText(this.#strings, error.code),
      // The room at the time of the click: the header may be a render behind a switch or an exit.
      copyCode: () => void (this.#session.room && this.#copyCode.copy(this.#session.room.code, this.#strings.copied)),
      copied: this.#copyCode.copied,
      tools: html`${renderConversations({ ...this.#conversations, current: room.code, unread: this.#conversations.unread, strings: this.#strings })}${renderInvite({ strings: this.#strings, code: room.code, invite: this.#invite })}${renderBell(this.#strings, this.#notify.enabled, this.#notify.toggle)}`,
      composer: this.#composer,
      scroll: this.#scroll,
      members: this.#members,
      lightbox: this.#lightbox,
      exitConfirm: this.#exitConfirm,
      conversation: this.#conversation,
      moderation: this.#moderation,
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-room': ChatRoomElement;
  }
}
