import type { ReactiveController } from 'lit';
import { normalizeRoomCode } from '@roomchat/sdk';
import { copyText } from '../dom.js';
import { loadPart } from '../late-part.js';
import { focusIn, type ChatHost } from './host.js';

/** The fragment parameter an invite link carries the room code in: `#roomchat=K7QWM3XP`. */
export const INVITE_PARAM = 'roomchat';
/** How long the copy button shows its check mark. */
const COPIED_MS = 2000;

export interface InviteHost extends ChatHost {
  room: string | undefined;
  /** A template for invite links with `{code}` in it; default: this page with the code in its fragment. */
  inviteUrl: string | undefined;
  mode: 'inline' | 'launcher' | 'page';
  open: boolean;
}

/** The room code an invite link in `hash` (a URL fragment) names, if any. */
export function inviteCode(hash: string): string | null {
  const code = INVITE_PATTERN.exec(hash)?.[2];
  return code ? normalizeRoomCode(decodeURIComponent(code)) || null : null;
}

/** `roomchat=CODE` in a fragment, alone or among other `&`-separated parameters. */
const INVITE_PATTERN = new RegExp(`(^#?|&)${INVITE_PARAM}=([^&]*)`);

/**
 * Invite links: the link to the room (the page's URL with the code in its fragment, or the
 * site's `invite-url` template), copied or shown as a QR code from the room's invite menu, and
 * following such a link, which opens the widget in that room. The QR library is loaded only when
 * a QR code is asked for (docs/decisions/0008-qr-codes-uqr.md).
 */
export class InviteController implements ReactiveController {
  /** Whether the invite menu is open. */
  open = false;
  /** The menu's view, loaded on the first open. */
  menu: typeof import('../views/invite-menu.js') | undefined;
  copied = false;
  /** The QR code's dark modules of the link, once drawn; null until asked for. */
  qr: { size: number; path: string } | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #host: InviteHost;
  readonly #announce: (text: string) => void;

  constructor(host: InviteHost, announce: (text: string) => void) {
    this.#host = host;
    this.#announce = announce;
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('hashchange', this.follow);
  }

  hostDisconnected(): void {
    window.removeEventListener('hashchange', this.follow);
  }

  /**
   * Follows an invite in the page's URL: the room it names becomes the element's `room` (joined
   * at once when the name is known, else the home view asks for it), and the launcher opens. The
   * fragment is then removed, so that a reload after an exit does not join again.
   */
  follow = (): boolean => {
    const code = inviteCode(location.hash);
    if (!code) return false;
    const host = this.#host;
    host.room = code;
    if (host.mode === 'launcher') host.open = true;
    const rest = location.hash.replace(/^#/, '').replace(INVITE_PATTERN, '').replace(/^&/, '');
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
    return true;
  };

  /** The invite link to `code`. */
  link(code: string): string {
    const template = this.#host.inviteUrl;
    if (template?.includes('{code}')) return new URL(template.replaceAll('{code}', encodeURIComponent(code)), location.href).href;
    // The page's own fragment (an anchor on it) means nothing to the invited visitor: replaced.
    const url = new URL(location.href);
    url.hash = `${INVITE_PARAM}=${encodeURIComponent(code)}`;
    return url.href;
  }

  toggle = async (): Promise<void> => {
    if (!this.open) {
      try {
        this.menu ??= await loadPart(this.#host, () => import('../views/invite-menu.js'));
      } catch {
        return; // not loaded (offline): the button stays as it was, to be clicked again
      }
    }
    this.open = !this.open;
    this.#host.requestUpdate();
  };

  close = (): void => {
    if (!this.open) return;
    this.open = false;
    this.qr = null;
    this.#host.requestUpdate();
  };

  menuKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      this.close();
      void this.#host.updateComplete.then(() => focusIn(this.#host, '.invite-toggle'));
    }
  };

  /** Copies the link to `code`; `done` is what the visitor hears then. */
  async copy(code: string, done: string): Promise<void> {
    await copyText(this.link(code), this.#host.renderRoot as ShadowRoot);
    this.copied = true;
    this.#announce(done);
    this.#host.requestUpdate();
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.copied = false;
      this.#host.requestUpdate();
    }, COPIED_MS);
  }

  /** Draws the QR code of the link to `code`, loading the QR library the first time. */
  async showQr(code: string): Promise<void> {
    const { qrPath } = await import('../qr.js');
    this.qr = qrPath(this.link(code));
    this.#host.requestUpdate();
  }
}
