import type { ReactiveController } from 'lit';
import { ErrorCode, normalizeRoomCode, type ChatError } from '@roomchat/sdk';
import { sessionName } from '../dom.js';
import type { ChatStrings } from '../strings/index.js';
import type { HomeError } from '../views/home-view.js';
import { focusIn, type ChatHost } from './host.js';

export interface HomeFormOptions {
  strings(): ChatStrings;
  /** The element's `name` attribute, the first choice for the name field. */
  name(): string | undefined;
  /** Whether the host site names the visitor with a token (then no name is asked). */
  verified(): boolean;
  /** Whether the element names its room by key (`room-key`): then no code is asked. */
  keyed(): boolean;
  /** Joins (or creates) once the fields are filled in. */
  enter(kind: 'join' | 'create', code: string, name: string): void;
}

/**
 * What the visitor types on the home view (a name, a room code) and the inline error under it.
 * Empty fields are caught here; what the server refuses comes back through `showError`.
 */
export class HomeFormController implements ReactiveController {
  name = '';
  get verified(): boolean {
    return this.#options.verified();
  }
  code = '';
  error: HomeError | null = null;
  readonly #host: ChatHost;
  readonly #options: HomeFormOptions;

  constructor(host: ChatHost, options: HomeFormOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  hostConnected(): void {
    // The name the visitor last used in this tab, unless the page names them.
    if (!this.name) this.name = this.#options.name() ?? sessionName() ?? '';
  }

  /** Shows why entering failed, on the field it is about; `code` is the code that was tried. */
  showError(error: HomeError, code: string): void {
    this.error = error;
    this.code = code;
  }

  nameInput = (value: string): void => {
    this.name = value;
  };

  codeInput = (value: string): void => {
    this.code = value;
  };

  join = (): void => void this.#submit('join', this.code, this.name.trim());

  create = (): void => void this.#submit('create', '', this.name.trim());

  async #submit(kind: 'join' | 'create', code: string, name: string): Promise<void> {
    const s = this.#options.strings();
    if (!name.trim() && !this.#options.verified()) {
      await this.#invalid({ text: s.nameRequired, field: 'name' });
      return;
    }
    if (kind === 'join' && !normalizeRoomCode(code) && !this.#options.keyed()) {
      await this.#invalid({ text: s.codeRequired, field: 'code' });
      return;
    }
    this.#options.enter(kind, code, name);
  }

  /** The server refused a join or create: says why under the form, and focuses the field it is about. */
  async failed(error: ChatError, text: string, code: string): Promise<void> {
    const field = error.code === ErrorCode.NAME_INVALID ? 'name' : error.code === ErrorCode.ROOM_NOT_FOUND ? 'code' : null;
    this.showError({ text, field }, code);
    this.#host.requestUpdate();
    await this.#host.updateComplete;
    if (field) focusIn(this.#host, `#${field}`);
  }

  async #invalid(error: HomeError): Promise<void> {
    this.error = error;
    this.#host.requestUpdate();
    await this.#host.updateComplete;
    focusIn(this.#host, `#${error.field}`);
  }
}
