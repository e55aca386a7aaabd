import type { Member } from '@roomchat/sdk';
import { focusIn, type ChatHost } from './host.js';

/**
 * Whether the header's member list is open (it closes on a click elsewhere or Escape), and its
 * "Message" action on another member: a direct conversation with them.
 */
export class MembersController {
  open = false;
  readonly #host: ChatHost;
  readonly #direct: ((member: Member) => void) | undefined;

  constructor(host: ChatHost, direct?: (member: Member) => void) {
    this.#host = host;
    this.#direct = direct;
  }

  /** Opens a direct conversation with `member` (the list closes once the visitor is in it). */
  get message(): ((member: Member) => void) | undefined {
    return this.#direct;
  }

  close(): void {
    this.open = false;
  }

  toggle = (): void => {
    this.open = !this.open;
    this.#host.requestUpdate();
    if (this.open) {
      // Close on the next click anywhere else; added after this click has finished bubbling.
      setTimeout(() => document.addEventListener('click', this.#closeOutside, { once: true }));
    }
  };

  listKey = (e: KeyboardEvent): void => {
    if (e.key !== 'Escape') return;
    // Escape closes the list only, not the launcher panel around it.
    e.stopPropagation();
    this.open = false;
    this.#host.requestUpdate();
    focusIn(this.#host, '.members');
  };

  #closeOutside = (e: Event): void => {
    // Clicks inside the list (or on its button) keep it open: listen for the next one.
    if (e.composedPath().some((n) => n instanceof HTMLElement && n.classList.contains('members-wrap'))) {
      document.addEventListener('click', this.#closeOutside, { once: true });
      return;
    }
    this.open = false;
    this.#host.requestUpdate();
  };
}
