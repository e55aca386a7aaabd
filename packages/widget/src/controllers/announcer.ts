import type { ChatHost } from './host.js';

/** The text of the element's polite live region, for confirmations with no visible text of their own. */
export class AnnouncerController {
  text = '';
  readonly #host: ChatHost;

  constructor(host: ChatHost) {
    this.#host = host;
  }

  announce(text: string): void {
    // Screen readers skip a region whose text did not change: clear it first, fill it a frame later.
    this.text = '';
    this.#host.requestUpdate();
    requestAnimationFrame(() => {
      this.text = text;
      this.#host.requestUpdate();
    });
  }
}
