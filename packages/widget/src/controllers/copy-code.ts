import { copyText } from '../dom.js';
import type { ChatHost } from './host.js';

/** How long the copy button shows its check mark. */
const COPIED_MS = 2000;

/** Copies the room code for the visitor to pass on, and shows that it did for a moment. */
export class CopyCodeController {
  copied = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #host: ChatHost;
  readonly #announce: (text: string) => void;

  constructor(host: ChatHost, announce: (text: string) => void) {
    this.#host = host;
    this.#announce = announce;
  }

  /** Copies `code`; `done` is what the visitor hears then. */
  async copy(code: string, done: string): Promise<void> {
    await copyText(code, this.#host.renderRoot as ShadowRoot);
    this.copied = true;
    this.#announce(done);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.copied = false;
      this.#host.requestUpdate();
    }, COPIED_MS);
  }
}
