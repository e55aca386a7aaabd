import type { ChatMessage } from '@roomchat/sdk';
import type { LightboxImage } from '../views/lightbox.js';
import { loadPart } from '../late-part.js';
import type { ChatHost } from './host.js';

/** Which image the lightbox shows; opens it as a modal dialog, which traps focus and Escape. */
export class LightboxController {
  shown: LightboxImage | null = null;
  /** The dialog's view, loaded on the first image opened. */
  view: typeof import('../views/lightbox.js') | undefined;
  readonly #host: ChatHost;

  constructor(host: ChatHost) {
    this.#host = host;
  }

  /** Shows a message's image full size. */
  async open(message: ChatMessage): Promise<void> {
    if (!message.image) return;
    try {
      this.view ??= await loadPart(this.#host, () => import('../views/lightbox.js'));
    } catch {
      return; // not loaded (offline): the image stays in the list, to be clicked again
    }
    this.shown = { image: message.image, author: message.author };
    this.#host.requestUpdate();
    // The dialog gets its content in the next render; open it once that is in.
    void this.#host.updateComplete.then(() => {
      const dialog = this.#dialog;
      if (dialog && !dialog.open) dialog.showModal();
    });
  }

  /** Forgets the image (the room was left; the dialog goes with the room view). */
  clear(): void {
    this.shown = null;
  }

  close = (): void => {
    this.#dialog?.close();
  };

  closed = (): void => {
    this.shown = null;
    this.#host.requestUpdate();
  };

  click = (e: MouseEvent): void => {
    // A click on the backdrop (the dialog itself, outside its content) closes it.
    if (e.target === e.currentTarget) this.#dialog?.close();
  };

  get #dialog(): HTMLDialogElement | null {
    return this.#host.renderRoot.querySelector('dialog');
  }
}
