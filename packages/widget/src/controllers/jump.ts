import type { Room } from '@roomchat/sdk';
import type { ChatHost } from './host.js';

/** How long the original of a quote stays highlighted once shown. */
const HIGHLIGHT_MS = 2000;
/** While older messages are being loaded by someone else (a scroll), how often to look again. */
const BUSY_RETRY_MS = 100;

export interface JumpOptions {
  room(): Room | null;
  /** Loads the page before the oldest loaded message, keeping the list in place (scroll anchoring). */
  loadOlder(): Promise<void>;
  loadingOlder(): boolean;
  /** Says something with no visible text of its own (the original is gone). */
  announce(text: string): void;
  strings(): { originalGone: string };
}

/**
 * Shows the message a quote refers to: loads older history page by page until it is loaded (or the
 * history ends), scrolls it into the middle of the list, focuses it (so a screen reader reads it)
 * and highlights it for a moment.
 */
export class JumpController {
  /** The id of the message highlighted now. */
  highlighted: string | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #host: ChatHost;
  readonly #options: JumpOptions;

  constructor(host: ChatHost, options: JumpOptions) {
    this.#host = host;
    this.#options = options;
  }

  jump = async (id: string): Promise<void> => {
    const room = this.#options.room();
    if (!room) return;
    while (!room.messages.some((m) => m.id === id) && room.hasMore && !room.left) {
      const loaded = room.messages.length;
      if (this.#options.loadingOlder()) await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
      else await this.#options.loadOlder();
      // A failed page (reported by scroll anchoring) ends the search rather than retrying forever.
      if (room.messages.length === loaded && !this.#options.loadingOlder()) break;
    }
    if (this.#options.room() !== room) return;
    if (!room.messages.some((m) => m.id === id)) {
      this.#options.announce(this.#options.strings().originalGone);
      return;
    }
    clearTimeout(this.#timer);
    this.highlighted = id;
    this.#host.requestUpdate();
    await this.#host.updateComplete;
    const row = this.#host.renderRoot.querySelector<HTMLElement>(`.msg[data-id="${CSS.escape(id)}"]`);
    const list = this.#host.renderRoot.querySelector<HTMLElement>('.messages');
    if (row && list) {
      // Into the middle of the list, without scrolling the page around the element (as scrollIntoView would).
      const [r, l] = [row.getBoundingClientRect(), list.getBoundingClientRect()];
      list.scrollTop += r.top - l.top - (list.clientHeight - r.height) / 2;
      row.focus({ preventScroll: true });
    }
    this.#timer = setTimeout(() => {
      this.highlighted = null;
      this.#host.requestUpdate();
    }, HIGHLIGHT_MS);
  };

  /** The room was left: nothing stays highlighted. */
  reset(): void {
    clearTimeout(this.#timer);
    this.highlighted = null;
  }
}
