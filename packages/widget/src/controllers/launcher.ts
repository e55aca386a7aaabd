import type { ChatMessage } from '@roomchat/sdk';
import { focusIn, type ChatHost } from './host.js';

/** The element's attributes launcher mode depends on. */
export interface LauncherHost extends ChatHost {
  mode: 'inline' | 'launcher' | 'page';
  open: boolean;
}

export interface LauncherOptions {
  /** Whether the visitor is in a room (focus goes to the composer rather than the name). */
  inRoom(): boolean;
  /** Whether the lightbox is open: Escape closes it first, not the panel. */
  lightboxOpen(): boolean;
}

/** Launcher mode: opening and closing the panel, focus across that, and the unread count. */
export class LauncherController {
  /** Messages from others since the panel was closed. */
  unread = 0;
  readonly #host: LauncherHost;
  readonly #options: LauncherOptions;

  constructor(host: LauncherHost, options: LauncherOptions) {
    this.#host = host;
    this.#options = options;
  }

  /** Counts a message someone else wrote (not a join or leave) that arrived while the panel is closed. */
  messageArrived(message: ChatMessage, own: boolean): void {
    const host = this.#host;
    if (!own && host.mode === 'launcher' && !host.open && (message.kind === 'text' || message.kind === 'image')) this.unread++;
  }

  clearUnread(): void {
    this.unread = 0;
  }

  /** After the panel opened or closed: focus goes into it, or back to the launcher button. */
  focusAfterToggle(): void {
    const host = this.#host;
    void host.updateComplete.then(() => {
      if (host.open) focusIn(host, this.#options.inRoom() ? '#input' : '#name');
      else focusIn(host, '.launcher');
    });
  }

  toggle = (): void => {
    this.#host.open = !this.#host.open;
  };

  close = (): void => {
    this.#host.open = false;
  };

  panelKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape' && !this.#options.lightboxOpen()) {
      this.#host.open = false;
    }
  };
}
