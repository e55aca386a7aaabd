import { focusIn, type ChatHost } from './host.js';

/** The question asked before leaving the room: open or not, and where focus goes around it. */
export class ExitConfirmController {
  asking = false;
  readonly #host: ChatHost;
  readonly #leave: () => void;

  constructor(host: ChatHost, leave: () => void) {
    this.#host = host;
    this.#leave = leave;
  }

  ask = (): void => {
    this.asking = true;
    this.#host.requestUpdate();
    void this.#host.updateComplete.then(() => focusIn(this.#host, '.exit-cancel'));
  };

  cancel = (): void => {
    this.asking = false;
    this.#host.requestUpdate();
    void this.#host.updateComplete.then(() => focusIn(this.#host, '.exit'));
  };

  confirm = (): void => {
    this.asking = false;
    this.#leave();
  };

  /** The room changed or was left some other way: nothing is being asked any more. */
  reset(): void {
    this.asking = false;
  }
}
