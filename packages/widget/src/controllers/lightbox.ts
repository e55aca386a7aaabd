import type { ChatMessage } from '@roomchat/sdk';
import type { LightboxImage } from '../views/lightbox.js';
import type { ChatHost } from './host.js';

/** Which image the lightbox shows; opens it as a modal dialog, which traps focus and Escape. */
export class LightboxController {
  shown: LightboxImage | null = null;
  readonly #host: ChatHost;

  constructor(host: ChatHost) {
    this.#host = host;
  }

  /** Shows a message's image full size. */
  open(message: ChatMessage): void {
    if (!message.image) return;
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
