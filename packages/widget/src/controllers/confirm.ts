import { focusIn, type ChatHost } from './host.js';

/** What a confirmation asks: its question, the button that says yes, and where focus goes back to. */
export interface ConfirmQuestion {
  text: string;
  yes: string;
  /** A selector of the control that asked, focused again when the question closes. */
  back: string;
  /** Whether yes is destructive (drawn as danger). */
  danger?: boolean;
}

/**
 * A moderator's question before a step that cannot be taken back (a new code, closing the room,
 * handing the room over): asked like "Leave this room?" (exit-confirm.ts), Cancel focused first,
 * Escape cancels, and Tab stays within the question until it is answered.
 */
export class ConfirmController {
  asking: ConfirmQuestion | null = null;
  #run: (() => unknown) | null = null;
  readonly #host: ChatHost;

  constructor(host: ChatHost) {
    this.#host = host;
  }

  ask(question: ConfirmQuestion, run: () => unknown): void {
    this.asking = question;
    this.#run = run;
    this.#host.requestUpdate();
    void this.#host.updateComplete.then(() => focusIn(this.#host, '.confirm-no'));
  }

  cancel = (): void => {
    const back = this.asking?.back;
    this.reset();
    this.#host.requestUpdate();
    if (back) void this.#host.updateComplete.then(() => focusIn(this.#host, back));
  };

  yes = (): void => {
    const run = this.#run;
    const back = this.asking?.back;
    this.reset();
    this.#host.requestUpdate();
    run?.();
    if (back) void this.#host.updateComplete.then(() => focusIn(this.#host, back));
  };

  /** Escape cancels; Tab and Shift+Tab go round the question's buttons (a focus trap). */
  key = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      this.cancel();
      return;
    }
    if (e.key !== 'Tab') return;
    const buttons = [...(e.currentTarget as HTMLElement).querySelectorAll<HTMLButtonElement>('button')];
    const at = buttons.indexOf(e.target as HTMLButtonElement);
    e.preventDefault();
    buttons[(at + (e.shiftKey ? -1 : 1) + buttons.length) % buttons.length]?.focus();
  };

  reset(): void {
    this.asking = null;
    this.#run = null;
  }
}
