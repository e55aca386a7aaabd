import type { ChatError, ChatMessage, Room } from '@roomchat/sdk';
import type { ChatStrings } from '../strings/index.js';
import { loadPart } from '../late-part.js';
import { focusIn, type ChatHost } from './host.js';
import { errorText } from '../errors.js';

/** How long typing pauses before the query is sent: one search per pause, not per key. */
const DEBOUNCE_MS = 250;

export interface SearchOptions {
  room(): Room | null;
  strings(): ChatStrings;
  /** Shows a message in the list, loading older history until it is there (jump.ts). */
  jump(id: string): Promise<void>;
}

/**
 * The search box of the room header: open and closed, the query, the latest results (the server's
 * first page, newest first) and what went wrong. An answer to an older query than the latest is
 * dropped, so results never flash back to a previous query's.
 */
export class SearchController {
  open = false;
  /** The box's view, loaded on the first open. */
  box: typeof import('../views/search-box.js') | undefined;
  query = '';
  results: ChatMessage[] = [];
  /** Whether `results` answer the current query (so "no messages found" is true, not pending). */
  answered = false;
  error = '';
  #asked = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #host: ChatHost;
  readonly #options: SearchOptions;

  constructor(host: ChatHost, options: SearchOptions) {
    this.#host = host;
    this.#options = options;
  }

  toggle = async (): Promise<void> => {
    if (this.open) return this.close();
    try {
      this.box ??= await loadPart(this.#host, () => import('../views/search-box.js'));
    } catch {
      return; // not loaded (offline): the button stays as it was, to be clicked again
    }
    this.open = true;
    this.#host.requestUpdate();
    await this.#host.updateComplete;
    focusIn(this.#host, '.search-input');
  };

  close = (): void => {
    this.reset();
    this.#host.requestUpdate();
    focusIn(this.#host, '.search-toggle');
  };

  input = (e: Event): void => {
    this.query = (e.target as HTMLInputElement).value;
    this.answered = false;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#search(), DEBOUNCE_MS);
    this.#host.requestUpdate();
  };

  key = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') {
      e.preventDefault();
      this.close();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      clearTimeout(this.#timer);
      void this.#search();
    }
  };

  /** A result was chosen: the box closes and the message is shown in the list. */
  choose = (message: ChatMessage): void => {
    this.reset();
    this.#host.requestUpdate();
    void this.#options.jump(message.id);
  };

  /** Closed and emptied (the room was left, or a result chosen). */
  reset(): void {
    clearTimeout(this.#timer);
    this.#asked++;
    Object.assign(this, { open: false, query: '', results: [], answered: false, error: '' });
  }

  async #search(): Promise<void> {
    const room = this.#options.room();
    const query = this.query.trim();
    const asked = ++this.#asked;
    if (!room || !query) {
      Object.assign(this, { results: [], answered: false, error: '' });
      this.#host.requestUpdate();
      return;
    }
    try {
      const page = await room.search(query);
      if (asked !== this.#asked) return;
      Object.assign(this, { results: page.messages, answered: true, error: '' });
    } catch (error) {
      if (asked !== this.#asked) return;
      const s = this.#options.strings();
      Object.assign(this, { results: [], answered: false, error: errorText(s, (error as ChatError).code) });
    }
    this.#host.requestUpdate();
  }
}
