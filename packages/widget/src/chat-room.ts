import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { live } from 'lit/directives/live.js';
import {
  ChatClient,
  ChatError,
  ErrorCode,
  IMAGE_TYPES,
  normalizeRoomCode,
  type ChatMessage,
  type ConnectionState,
  type ImageInfo,
  type Member,
  type OutboxEntry,
  type Room,
} from '@roomchat/sdk';
import { chatRoomStyles } from './chat-room.styles.js';
import { autosize, copyText, hasFiles, isAtBottom, rememberName, sessionMemberId, sessionName } from './dom.js';
import { chatEvent, type ChatErrorAction } from './events.js';
import {
  chatIcon,
  checkIcon,
  closeIcon,
  copyIcon,
  downIcon,
  exitIcon,
  externalIcon,
  imageIcon,
  sendIcon,
  usersIcon,
} from './icons.js';
import { renderHome, type HomeBusy, type HomeError } from './home-view.js';
import { renderRow, type RowContext } from './message-row.js';
import { Outgoing } from './outgoing.js';
import { resolveStrings, type ChatStrings } from './strings/index.js';
import { buildTimeline, colorIndex, initial } from './timeline.js';

/** `inline` fills the box the page gives it; `launcher` is a floating button that opens a panel. */
export type ChatRoomMode = 'inline' | 'launcher';
/** `auto` follows `prefers-color-scheme`. */
export type ChatRoomTheme = 'auto' | 'light' | 'dark';

/** Within this many pixels of the top, scrolling loads older messages. */
const TOP_SLACK_PX = 120;


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
 * @attr name - The visitor's display name; with `room` set too, the widget joins without asking.
 * @attr mode - `inline` (default) or `launcher`.
 * @attr open - In launcher mode, whether the panel is open.
 * @attr theme - `auto` (default), `light` or `dark`.
 * @attr lang - The language of the built-in strings (`en`, `fr`); inherited from the page like any `lang`.
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
 * @csspart bubble - The bubble of a message.
 * @csspart composer - The form at the bottom.
 * @csspart input - The message text area.
 * @csspart send-button - The send button.
 * @csspart attach-button - The image picker button.
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
 * @cssproperty --chat-own-bubble-bg - The visitor's bubbles. Default: the accent.
 * @cssproperty --chat-own-bubble-text - Text in the visitor's bubbles. Default: the accent text.
 * @cssproperty --chat-danger - Errors and the unread badge. Default `#c81e1e` (dark: `#ff7070`).
 * @cssproperty --chat-radius - Corner radius. Default `16px`.
 * @cssproperty --chat-font - Font family. Default: the system UI font.
 * @cssproperty --chat-font-size - Base font size. Default `15px`.
 * @cssproperty --chat-height - Height in inline mode. Default `100%`.
 * @cssproperty --chat-min-height - Minimum height in inline mode. Default `420px`.
 * @cssproperty --chat-panel-width - Launcher panel width. Default `380px`.
 * @cssproperty --chat-panel-height - Launcher panel height. Default `600px`.
 * @cssproperty --chat-launcher-inset - Distance of the launcher from the corner. Default `20px`.
 * @cssproperty --chat-z-index - Stacking of the launcher and panel. Default `2147483000`.
 */
export class ChatRoomElement extends LitElement {
  static override styles = chatRoomStyles;
  static override shadowRootOptions: ShadowRootInit = { ...LitElement.shadowRootOptions, delegatesFocus: false };
  static override properties = {
    server: { type: String },
    room: { type: String },
    name: { type: String },
    mode: { type: String, reflect: true },
    theme: { type: String, reflect: true },
    open: { type: Boolean, reflect: true },
    lang: { type: String, reflect: true },
    // Also settable as a JSON attribute, so a script-tag page can translate without JavaScript.
    strings: { converter: { fromAttribute: parseStrings } },
  };

  /**
   * The server URL used when no `server` attribute is set. The script-tag bundle sets it to the
   * origin it was loaded from; otherwise the page's origin is used.
   */
  static defaultServer: string | undefined;

  /** The Roomchat server URL; see {@link ChatRoomElement.defaultServer}. */
  declare server: string | undefined;
  /** The code of the room to be in. Set it to switch rooms, clear it to leave. Updated when the visitor joins or creates one. */
  declare room: string | undefined;
  /** The visitor's display name. Updated with the name the visitor picks. */
  declare name: string | undefined;
  declare mode: ChatRoomMode;
  declare theme: ChatRoomTheme | undefined;
  /** In launcher mode: whether the panel is open. */
  declare open: boolean;
  declare lang: string;
  /** Overrides for some or all UI strings, on top of the table chosen by `lang`. */
  declare strings: Partial<ChatStrings> | undefined;

  #client: ChatClient | null = null;
  #clientOff: (() => void) | null = null;
  #room: Room | null = null;
  #roomOff: (() => void) | null = null;
  #outgoing: Outgoing | null = null;
  #connection: ConnectionState = 'disconnected';
  #everConnected = false;
  #online = typeof navigator === 'undefined' ? true : navigator.onLine;
  #busy: HomeBusy = null;
  #joinToken = 0;
  /** The code being joined, while a join is in flight. */
  #joining = '';
  #homeError: HomeError | null = null;
  #draftName = '';
  #draftCode = '';
  #draft = '';
  #composerError = '';
  #membersOpen = false;
  #copied = false;
  #copiedTimer: ReturnType<typeof setTimeout> | undefined;
  #loadingOlder = false;
  #newBelow = false;
  #unread = 0;
  #dragDepth = 0;
  #lightbox: { image: ImageInfo; author: string } | null = null;
  #announcement = '';
  // Scroll bookkeeping, measured before each render and applied after it.
  #wasAtBottom = true;
  #forceBottom = false;
  #anchor: { seq: number; offset: number } | null = null;
  /** Measured before asking for older messages; applied by the render that shows them. */
  #pendingAnchor: { seq: number; offset: number } | null = null;
  #teardownQueued = false;

  constructor() {
    super();
    this.mode = 'inline';
    this.open = false;
  }

  // ---------------------------------------------------------------- lifecycle

  override connectedCallback(): void {
    super.connectedCallback();
    this.#teardownQueued = false;
    window.addEventListener('online', this.#onNetwork);
    window.addEventListener('offline', this.#onNetwork);
    if (!this.#draftName) this.#draftName = this.name ?? sessionName() ?? '';
    // Re-inserted after a teardown: get back into the room the attributes name.
    if (this.hasUpdated && !this.#room) this.#syncRoom();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('online', this.#onNetwork);
    window.removeEventListener('offline', this.#onNetwork);
    // Moving the element (remove + insert in one task) must not drop the room: tear down only if
    // it is still detached once the current task is done.
    this.#teardownQueued = true;
    setTimeout(() => {
      if (this.#teardownQueued && !this.isConnected) this.#teardown();
    });
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('name') && this.name && !this.#room) this.#draftName = this.name;
    if (changed.has('room') && this.room && !this.#room) this.#draftCode = this.room;
    if (changed.has('server') && changed.get('server') !== undefined && this.#client) {
      // A different server: nothing of the old connection carries over.
      this.#teardown();
    }
    if (changed.has('open') && this.open) {
      this.#unread = 0;
      this.#forceBottom = true;
    }
    const list = this.#list;
    if (list) {
      this.#wasAtBottom = isAtBottom(list);
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('room') || changed.has('server') || changed.has('name')) this.#syncRoom();
    if (changed.has('open') && changed.get('open') !== undefined) this.#focusAfterToggle();
    const list = this.#list;
    if (!list) return;
    if (this.#anchor) {
      const el = list.querySelector<HTMLElement>(`[data-seq="${this.#anchor.seq}"]`);
      if (el) list.scrollTop = el.offsetTop - this.#anchor.offset;
      this.#anchor = null;
    } else if (this.#forceBottom || this.#wasAtBottom) {
      list.scrollTop = list.scrollHeight;
      this.#forceBottom = false;
    }
  }

  // ---------------------------------------------------------------- public API

  /** The room the visitor is in, from `@roomchat/sdk`, for pages that want more than events. */
  get currentRoom(): Room | null {
    return this.#room;
  }

  /** The connection the element uses, once it made one. */
  get client(): ChatClient | null {
    return this.#client;
  }

  /** The resolved server URL. */
  get serverUrl(): string {
    return (this.server || ChatRoomElement.defaultServer || location.origin).replace(/\/+$/, '');
  }

  /** Leaves the current room and shows the home view, as the Exit button does. */
  async exit(): Promise<void> {
    this.#cancelJoin();
    const room = this.#room;
    if (!room) return;
    this.#detachRoom();
    this.room = '';
    this.#draftCode = '';
    this.requestUpdate();
    const self = room.self;
    try {
      await room.leave();
    } catch {
      // The server records the leave when the connection goes anyway; nothing to tell the visitor.
    }
    this.#emit('chat-leave', { room: room.code, member: self, self: true });
  }

  // ---------------------------------------------------------------- rooms

  get #strings(): ChatStrings {
    const lang = this.lang || this.closest('[lang]')?.getAttribute('lang') || 'en';
    return resolveStrings(lang, this.strings);
  }

  get #locale(): string | undefined {
    return this.lang || this.closest('[lang]')?.getAttribute('lang') || undefined;
  }

  #syncRoom(): void {
    const wanted = normalizeRoomCode(this.room ?? '');
    const current = this.#joining || this.#room?.code || '';
    if (wanted === current) return;
    if (!wanted) {
      void this.exit();
      return;
    }
    const name = (this.name ?? '').trim();
    if (name) void this.#enter('join', wanted, name);
    else if (this.#room) {
      // Switching rooms keeps the name the visitor joined with.
      void this.#enter('join', wanted, this.#room.self.name);
    }
  }

  #ensureClient(): ChatClient {
    if (this.#client && this.#client.url === this.serverUrl) return this.#client;
    this.#teardown();
    const memberId = sessionMemberId();
    const client = new ChatClient({
      url: this.serverUrl,
      memberId,
      // Given the tab's member id, the SDK keeps unacknowledged sends in localStorage under it: a
      // tab re-sends only its own messages (under its own name) and a reload of the tab finds them.
    });
    const onState = (state: ConnectionState) => {
      this.#connection = state;
      if (state === 'connected') {
        this.#everConnected = true;
        this.#outgoing?.retryTransient();
      }
      this.#emit('chat-connection', { state });
      this.requestUpdate();
    };
    const onError = (error: ChatError) => this.#reportError(error, 'connection');
    client.on('state', onState);
    client.on('error', onError);
    this.#clientOff = () => {
      client.off('state', onState);
      client.off('error', onError);
    };
    this.#client = client;
    this.#connection = client.state;
    return client;
  }

  async #enter(kind: 'join' | 'create', code: string, name: string): Promise<void> {
    const s = this.#strings;
    if (!name.trim()) {
      this.#homeError = { text: s.nameRequired, field: 'name' };
      this.requestUpdate();
      await this.updateComplete;
      this.#focus('#name');
      return;
    }
    if (kind === 'join' && !normalizeRoomCode(code)) {
      this.#homeError = { text: s.codeRequired, field: 'code' };
      this.requestUpdate();
      await this.updateComplete;
      this.#focus('#code');
      return;
    }
    // Before taking a token: a new client tears the old one down, which voids earlier tokens.
    const client = this.#ensureClient();
    const token = ++this.#joinToken;
    this.#busy = kind;
    this.#joining = kind === 'join' ? normalizeRoomCode(code) : '';
    this.#homeError = null;
    this.requestUpdate();
    const previous = this.#room;
    try {
      const room = kind === 'create' ? await client.createRoom({ name }) : await client.joinRoom(code, { name });
      if (token !== this.#joinToken) {
        // Superseded by a later join or an exit: do not stay in a room nobody sees.
        if (room !== this.#room) void room.leave().catch(() => {});
        return;
      }
      if (previous && previous !== room) {
        this.#detachRoom();
        void previous.leave().catch(() => {});
        this.#emit('chat-leave', { room: previous.code, member: previous.self, self: true });
      }
      this.#attachRoom(room, kind === 'create');
    } catch (cause) {
      if (token !== this.#joinToken) return;
      const error = toChatError(cause);
      const field = error.code === ErrorCode.NAME_INVALID ? 'name' : error.code === ErrorCode.ROOM_NOT_FOUND ? 'code' : null;
      // Keep `room` in step with what is shown: the visitor is not in the room that failed.
      this.#joining = '';
      this.room = this.#room?.code ?? '';
      if (this.#room) {
        // Switching rooms failed: the visitor stays where they were and is told below the composer.
        this.#composerError = this.#errorText(error);
      } else {
        this.#homeError = { text: this.#errorText(error), field };
        this.#draftCode = code;
      }
      this.#reportError(error, kind);
      this.requestUpdate();
      await this.updateComplete;
      if (field) this.#focus(field === 'name' ? '#name' : '#code');
    } finally {
      if (token === this.#joinToken) {
        this.#busy = null;
        this.#joining = '';
        this.requestUpdate();
      }
    }
  }

  /** Abandons a join in flight: its answer, when it comes, is ignored. */
  #cancelJoin(): void {
    this.#joinToken++;
    this.#busy = null;
    this.#joining = '';
  }

  #attachRoom(room: Room, created: boolean): void {
    this.#room = room;
    this.room = room.code;
    this.name = room.self.name;
    rememberName(room.self.name);
    this.#membersOpen = false;
    this.#newBelow = false;
    this.#draft = '';
    this.#composerError = '';
    this.#outgoing = new Outgoing(room, {
      change: () => this.requestUpdate(),
      error: (error, action) => this.#reportError(error, action),
    });
    // Sends left from before a reload: the SDK re-sends them; show them as pending meanwhile.
    this.#outgoing.adopt(room.pending);
    const onMessage = (message: ChatMessage) => this.#onMessage(room, message);
    const onHistory = () => {
      this.#anchor = this.#pendingAnchor;
      this.#pendingAnchor = null;
      this.requestUpdate();
    };
    const onJoined = (member: Member) => this.#emit('chat-join', { room: room.code, member, self: member.id === room.self.id });
    const onLeft = (member: Member) => this.#emit('chat-leave', { room: room.code, member, self: member.id === room.self.id });
    const onMembers = () => this.requestUpdate();
    // A send the SDK gave up on that this page did not make (restored from before a reload).
    const onSendFailed = (entry: OutboxEntry, error: ChatError) => this.#outgoing?.fail(entry.clientId, error);
    const onClosed = () => {
      if (this.#room === room) {
        this.#detachRoom();
        this.room = '';
        this.requestUpdate();
      }
    };
    room.on('message', onMessage);
    room.on('history', onHistory);
    room.on('member-joined', onJoined);
    room.on('member-left', onLeft);
    room.on('members', onMembers);
    room.on('send-failed', onSendFailed);
    room.on('closed', onClosed);
    this.#roomOff = () => {
      room.off('message', onMessage);
      room.off('history', onHistory);
      room.off('member-joined', onJoined);
      room.off('member-left', onLeft);
      room.off('members', onMembers);
      room.off('send-failed', onSendFailed);
      room.off('closed', onClosed);
    };
    this.#forceBottom = true;
    this.requestUpdate();
    void this.updateComplete.then(() => {
      if (this.#room !== room) return;
      this.#emit('chat-ready', { room: room.code, self: room.self, created });
      if (this.mode !== 'launcher' || this.open) this.#focus('#input');
    });
  }

  #detachRoom(): void {
    this.#roomOff?.();
    this.#roomOff = null;
    this.#outgoing?.dispose();
    this.#outgoing = null;
    this.#room = null;
    this.#membersOpen = false;
    this.#lightbox = null;
    this.#newBelow = false;
    this.#unread = 0;
  }

  #teardown(): void {
    this.#cancelJoin();
    this.#detachRoom();
    this.#clientOff?.();
    this.#clientOff = null;
    this.#client?.close();
    this.#client = null;
    this.#connection = 'disconnected';
    this.#everConnected = false;
  }

  #onMessage(room: Room, message: ChatMessage): void {
    this.#outgoing?.confirm(message);
    const own = Outgoing.isOwn(message, room.self.id);
    const list = this.#list;
    const atBottom = list ? isAtBottom(list) : true;
    if (own) this.#forceBottom = true;
    else if (!atBottom && message.kind !== 'join' && message.kind !== 'leave') this.#newBelow = true;
    if (!own && this.mode === 'launcher' && !this.open && (message.kind === 'text' || message.kind === 'image')) this.#unread++;
    this.#emit('chat-message', { room: room.code, message, own });
    this.requestUpdate();
  }

  async #loadOlder(): Promise<void> {
    const room = this.#room;
    const list = this.#list;
    if (!room || !room.hasMore || this.#loadingOlder) return;
    this.#loadingOlder = true;
    this.requestUpdate();
    // Keep the first visible message where it is while older ones appear above it.
    const first = list?.querySelector<HTMLElement>('[data-seq]');
    this.#pendingAnchor = first && list ? { seq: Number(first.dataset['seq']), offset: first.offsetTop - list.scrollTop } : null;
    try {
      await room.loadOlder();
    } catch (cause) {
      this.#reportError(toChatError(cause), 'history');
    } finally {
      this.#loadingOlder = false;
      this.#pendingAnchor = null;
      this.requestUpdate();
    }
  }

  // ---------------------------------------------------------------- composer

  #send(): void {
    const room = this.#room;
    const outgoing = this.#outgoing;
    if (!room || !outgoing) return;
    const text = this.#draft;
    if (!text.trim()) return;
    if ([...text].length > room.limits.messageMaxLength) {
      this.#composerError = this.#strings.errors.MESSAGE_TOO_LONG ?? this.#strings.errors.fallback;
      this.requestUpdate();
      return;
    }
    this.#draft = '';
    this.#composerError = '';
    this.#forceBottom = true;
    outgoing.sendText(text);
    const area = this.renderRoot.querySelector<HTMLTextAreaElement>('#input');
    if (area) void this.updateComplete.then(() => autosize(area));
  }

  #sendImages(files: Iterable<File>): void {
    const room = this.#room;
    const outgoing = this.#outgoing;
    if (!room || !outgoing) return;
    const s = this.#strings;
    this.#composerError = '';
    for (const file of files) {
      if (!(IMAGE_TYPES as readonly string[]).includes(file.type)) {
        this.#composerError = s.errors.UNSUPPORTED_MEDIA_TYPE ?? s.errors.fallback;
        continue;
      }
      if (file.size > room.limits.imageMaxBytes) {
        this.#composerError = s.errors.PAYLOAD_TOO_LARGE ?? s.errors.fallback;
        continue;
      }
      this.#forceBottom = true;
      outgoing.sendImage(file);
    }
    this.requestUpdate();
  }

  // ---------------------------------------------------------------- events and helpers

  #emit<K extends Parameters<typeof chatEvent>[0]>(name: K, detail: Parameters<typeof chatEvent<K>>[1]): void {
    this.dispatchEvent(chatEvent(name, detail));
  }

  #reportError(error: ChatError, action: ChatErrorAction): void {
    this.#emit('chat-error', { code: error.code, message: error.message, action });
  }

  #errorText(error: ChatError): string {
    const s = this.#strings;
    return s.errors[error.code] ?? s.errors.fallback;
  }

  #announce(text: string): void {
    // Re-announce identical text by clearing first.
    this.#announcement = '';
    this.requestUpdate();
    requestAnimationFrame(() => {
      this.#announcement = text;
      this.requestUpdate();
    });
  }

  get #list(): HTMLElement | null {
    return this.renderRoot?.querySelector?.('.messages') ?? null;
  }

  #focus(selector: string): void {
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  #focusAfterToggle(): void {
    void this.updateComplete.then(() => {
      if (this.open) this.#focus(this.#room ? '#input' : '#name');
      else this.#focus('.launcher');
    });
  }

  #onNetwork = (): void => {
    this.#online = navigator.onLine;
    this.requestUpdate();
  };

  // ---------------------------------------------------------------- rendering

  protected override render(): TemplateResult {
    const frame = html`<div class="frame" part="base">${this.#room ? this.#renderRoom(this.#room) : this.#renderHome()}</div>
      <div class="visually-hidden" role="status" aria-live="polite">${this.#announcement}</div>`;
    if (this.mode !== 'launcher') return frame;
    const s = this.#strings;
    const unread = this.#unread;
    return html`<div class="panel" id="panel" role="dialog" aria-label=${s.title} ?hidden=${!this.open} @keydown=${this.#onPanelKey}>
        ${frame}
      </div>
      <button
        class="launcher"
        part="launcher"
        aria-expanded=${this.open ? 'true' : 'false'}
        aria-controls="panel"
        aria-label=${(this.open ? s.closeChat : s.openChat) + (unread && !this.open ? `, ${s.unread(unread)}` : '')}
        @click=${() => (this.open = !this.open)}
      >
        ${this.open ? closeIcon : chatIcon}
        ${unread && !this.open ? html`<span class="badge" part="badge" aria-hidden="true">${unread > 99 ? '99+' : unread}</span>` : nothing}
      </button>`;
  }

  #renderPanelClose(): TemplateResult | typeof nothing {
    if (this.mode !== 'launcher') return nothing;
    const s = this.#strings;
    return html`<button class="icon-btn panel-close" aria-label=${s.closeChat} title=${s.closeChat} @click=${() => (this.open = false)}>
      ${closeIcon}
    </button>`;
  }

  #renderHome(): TemplateResult {
    return renderHome({
      strings: this.#strings,
      name: this.#draftName,
      code: this.#draftCode,
      error: this.#homeError,
      busy: this.#busy,
      closeButton: this.#renderPanelClose(),
      nameInput: (value) => (this.#draftName = value),
      codeInput: (value) => (this.#draftCode = value),
      join: () => void this.#enter('join', this.#draftCode, this.#draftName.trim()),
      create: () => void this.#enter('create', '', this.#draftName.trim()),
    });
  }

  #renderRoom(room: Room): TemplateResult {
    const s = this.#strings;
    const members = room.members;
    const banner = this.#bannerText();
    return html`<header part="header">
        <div class="room-id">
          <span class="room-label" id="room-label">${s.roomLabel}</span>
          <span class="room-code" aria-labelledby="room-label" id="room-code">${room.code}</span>
          <button class="icon-btn copy" aria-label=${this.#copied ? s.copied : s.copyCode} title=${s.copyCode} @click=${this.#onCopy}>
            <span class=${this.#copied ? 'copied' : ''}>${this.#copied ? checkIcon : copyIcon}</span>
          </button>
        </div>
        <div class="members-wrap">
          <button
            class="icon-btn members"
            aria-expanded=${this.#membersOpen ? 'true' : 'false'}
            aria-controls="member-list"
            @click=${this.#toggleMembers}
          >
            ${usersIcon}<span class="members-count">${s.members(members.length)}</span>
          </button>
          ${this.#membersOpen
            ? html`<div class="member-list" id="member-list" @keydown=${this.#onMemberListKey}>
                <h3 id="members-title">${s.membersTitle}</h3>
                <ul aria-labelledby="members-title" class="plain">
                  ${repeat(
                    members,
                    (m) => m.id,
                    (m) => html`<li class="member c${colorIndex(m.name)}">
                      <span class="avatar" aria-hidden="true">${initial(m.name)}</span>
                      <span class="member-name">${m.name}</span>
                      ${m.id === room.self.id ? html`<span class="you">(${s.you})</span>` : nothing}
                    </li>`,
                  )}
                </ul>
              </div>`
            : nothing}
        </div>
        <button class="icon-btn exit" @click=${() => void this.exit()}>${exitIcon}<span class="label">${s.exit}</span></button>
        ${this.mode === 'launcher'
          ? html`<button class="icon-btn" aria-label=${s.closeChat} title=${s.closeChat} @click=${() => (this.open = false)}>${closeIcon}</button>`
          : nothing}
      </header>
      <div class="banner" role="status" ?hidden=${!banner}>${banner ? html`<span class="spinner" aria-hidden="true"></span>${banner}` : nothing}</div>
      <div
        class="messages"
        part="messages"
        role="log"
        aria-live="polite"
        aria-relevant="additions"
        aria-label=${s.messagesLabel}
        tabindex="0"
        @scroll=${this.#onScroll}
        @dragenter=${this.#onDragEnter}
        @dragover=${this.#onDragOver}
        @dragleave=${this.#onDragLeave}
        @drop=${this.#onDrop}
      >
        ${this.#renderHistoryEdge(room)}
        ${room.messages.length === 0 && !this.#outgoing?.items.length ? html`<p class="empty">${s.empty}</p>` : nothing}
        <ol>
          ${repeat(
            buildTimeline(room.messages, this.#outgoing?.items ?? [], room.self.id),
            (row) => row.key,
            (row) => renderRow(row, this.#rowContext),
          )}
        </ol>
      </div>
      ${this.#dragDepth > 0 ? html`<div class="drop-zone" aria-hidden="true"><div>${imageIcon}${s.dropImage}</div></div>` : nothing}
      ${this.#renderComposer(room)} ${this.#renderLightbox()}`;
  }

  get #rowContext(): RowContext {
    return {
      strings: this.#strings,
      locale: this.#locale,
      errorText: (error) => this.#errorText(error),
      openImage: (message) => this.#openLightbox(message),
      retry: (clientId) => this.#outgoing?.retry(clientId),
      discard: (clientId) => this.#outgoing?.discard(clientId),
    };
  }

  #renderHistoryEdge(room: Room): TemplateResult | typeof nothing {
    const s = this.#strings;
    if (this.#loadingOlder) return html`<div class="history-edge">${s.loadingOlder}</div>`;
    if (room.hasMore) {
      return html`<div class="history-edge"><button class="link-btn load-older" @click=${() => void this.#loadOlder()}>${s.loadOlder}</button></div>`;
    }
    if (room.messages.length > 0) return html`<div class="history-edge">${s.beginning}</div>`;
    return nothing;
  }

  #renderComposer(room: Room): TemplateResult {
    const s = this.#strings;
    const length = [...this.#draft].length;
    const max = room.limits.messageMaxLength;
    const showCounter = length > max * 0.9;
    return html`<form class="composer" part="composer" @submit=${this.#onComposerSubmit}>
      ${this.#newBelow
        ? html`<button type="button" class="new-below" @click=${this.#scrollToBottom}>${downIcon}${s.newMessages}</button>`
        : nothing}
      <input id="file" type="file" accept=${IMAGE_TYPES.join(',')} multiple hidden @change=${this.#onFileChange} />
      <button type="button" class="icon-btn attach" part="attach-button" aria-label=${s.attachImage} title=${s.attachImage} @click=${this.#pickFile}>
        ${imageIcon}
      </button>
      <div class="input-wrap">
        <label class="visually-hidden" for="input">${s.inputLabel}</label>
        <textarea
          id="input"
          part="input"
          rows="1"
          placeholder=${s.inputPlaceholder}
          .value=${live(this.#draft)}
          aria-invalid=${length > max ? 'true' : 'false'}
          aria-describedby="composer-help"
          enterkeyhint="send"
          @input=${this.#onInput}
          @keydown=${this.#onInputKey}
          @paste=${this.#onPaste}
        ></textarea>
        <div id="composer-help">
          ${showCounter ? html`<div class="counter ${length > max ? 'over' : ''}">${s.tooLong(length, max)}</div>` : nothing}
          ${this.#composerError ? html`<div class="composer-error" role="alert">${this.#composerError}</div>` : nothing}
        </div>
      </div>
      <button type="submit" class="send" part="send-button" aria-label=${s.send} title=${s.send} ?disabled=${!this.#draft.trim() || length > max}>
        ${sendIcon}
      </button>
    </form>`;
  }

  #renderLightbox(): TemplateResult {
    const s = this.#strings;
    const box = this.#lightbox;
    return html`<dialog part="lightbox" aria-label=${box ? s.imageAlt(box.author) : s.openImage} @close=${this.#onLightboxClose} @click=${this.#onLightboxClick}>
      ${box
        ? html`<div class="dialog-bar">
              <a href=${box.image.url} target="_blank" rel="noopener noreferrer">${externalIcon}${s.openOriginal}</a>
              <button class="icon-btn close-image" aria-label=${s.closeImage} title=${s.closeImage} @click=${() => this.#dialog?.close()}>${closeIcon}</button>
            </div>
            <img src=${box.image.url} alt=${s.imageAlt(box.author)} />`
        : nothing}
    </dialog>`;
  }

  #bannerText(): string {
    const s = this.#strings;
    if (!this.#online) return s.offline;
    if (this.#connection === 'connected') return '';
    return this.#everConnected ? s.reconnecting : s.connecting;
  }

  // ---------------------------------------------------------------- DOM handlers

  #onCopy = async (): Promise<void> => {
    const code = this.#room?.code;
    if (!code) return;
    await copyText(code, this.renderRoot as ShadowRoot);
    this.#copied = true;
    this.#announce(this.#strings.copied);
    clearTimeout(this.#copiedTimer);
    this.#copiedTimer = setTimeout(() => {
      this.#copied = false;
      this.requestUpdate();
    }, 2000);
  };

  #toggleMembers = (): void => {
    this.#membersOpen = !this.#membersOpen;
    this.requestUpdate();
    if (this.#membersOpen) {
      // Close on the next click anywhere else.
      setTimeout(() => document.addEventListener('click', this.#closeMembersOutside, { once: true }));
    }
  };

  #closeMembersOutside = (e: Event): void => {
    if (e.composedPath().some((n) => n instanceof HTMLElement && n.classList.contains('members-wrap'))) {
      document.addEventListener('click', this.#closeMembersOutside, { once: true });
      return;
    }
    this.#membersOpen = false;
    this.requestUpdate();
  };

  #onMemberListKey = (e: KeyboardEvent): void => {
    if (e.key !== 'Escape') return;
    e.stopPropagation();
    this.#membersOpen = false;
    this.requestUpdate();
    this.#focus('.members');
  };

  #onPanelKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape' && !this.#lightbox) {
      this.open = false;
    }
  };

  #onScroll = (): void => {
    const list = this.#list;
    if (!list) return;
    if (this.#newBelow && isAtBottom(list)) {
      this.#newBelow = false;
      this.requestUpdate();
    }
    if (list.scrollTop < TOP_SLACK_PX && list.scrollHeight > list.clientHeight) void this.#loadOlder();
  };

  #scrollToBottom = (): void => {
    this.#newBelow = false;
    this.#forceBottom = true;
    this.requestUpdate();
  };

  #onInput = (e: Event): void => {
    const area = e.target as HTMLTextAreaElement;
    this.#draft = area.value;
    autosize(area);
    if (this.#composerError) this.#composerError = '';
    this.requestUpdate();
  };

  #onInputKey = (e: KeyboardEvent): void => {
    // Enter sends, Shift+Enter is a new line; never while an IME is composing a character.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      this.#send();
    }
  };

  #onComposerSubmit = (e: Event): void => {
    e.preventDefault();
    this.#send();
    this.#focus('#input');
  };

  #onPaste = (e: ClipboardEvent): void => {
    const files = [...(e.clipboardData?.files ?? [])].filter((f) => f.type.startsWith('image/'));
    if (!files.length) return;
    e.preventDefault();
    this.#sendImages(files);
  };

  #pickFile = (): void => {
    this.renderRoot.querySelector<HTMLInputElement>('#file')?.click();
  };

  #onFileChange = (e: Event): void => {
    const input = e.target as HTMLInputElement;
    this.#sendImages([...(input.files ?? [])]);
    input.value = '';
  };

  #onDragEnter = (e: DragEvent): void => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    this.#dragDepth++;
    this.requestUpdate();
  };

  #onDragOver = (e: DragEvent): void => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  };

  #onDragLeave = (e: DragEvent): void => {
    if (!hasFiles(e)) return;
    this.#dragDepth = Math.max(0, this.#dragDepth - 1);
    this.requestUpdate();
  };

  #onDrop = (e: DragEvent): void => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    this.#dragDepth = 0;
    this.#sendImages([...(e.dataTransfer?.files ?? [])]);
  };

  get #dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  #openLightbox(message: ChatMessage): void {
    if (!message.image) return;
    this.#lightbox = { image: message.image, author: message.author };
    this.requestUpdate();
    void this.updateComplete.then(() => {
      const dialog = this.#dialog;
      if (dialog && !dialog.open) dialog.showModal();
    });
  }

  #onLightboxClose = (): void => {
    this.#lightbox = null;
    this.requestUpdate();
  };

  #onLightboxClick = (e: MouseEvent): void => {
    // A click on the backdrop (the dialog itself, outside its content) closes it.
    if (e.target === e.currentTarget) this.#dialog?.close();
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-room': ChatRoomElement;
  }
}

function toChatError(cause: unknown): ChatError {
  return cause instanceof ChatError ? cause : new ChatError(ErrorCode.INTERNAL, String(cause), { cause });
}

/** The `strings` attribute: a JSON object of overrides; anything else is ignored. */
function parseStrings(value: string | null): Partial<ChatStrings> | undefined {
  if (!value) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Partial<ChatStrings>) : undefined;
  } catch {
    return undefined;
  }
}
