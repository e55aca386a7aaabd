import type { ReactiveController } from 'lit';
import type { ChatClient, ChatError, DirectMessageEvent, Room, RoomSummary } from '@roomchat/sdk';
import { toChatError } from '../errors.js';
import { focusIn, type ChatHost } from './host.js';

export interface ConversationsOptions {
  client(): ChatClient | null;
  /** The room the visitor is in now. */
  room(): Room | null;
  /** The private member ids the widget remembers on this server (a guest's rooms are theirs). */
  memberIds(): string[];
  /** Remembers that the direct room `code` is joined as `memberId` under `name`. */
  remember(code: string, memberId: string, name: string): void;
  /** Goes to the room `code` (the session switches). */
  switchTo(code: string): void;
  reportError(error: ChatError): void;
}

/**
 * The visitor's conversations: the rooms `client.rooms()` lists (a verified user's, or a guest's
 * remembered rooms and direct conversations) with their last message and unread count, kept
 * current by `direct-message` news while the visitor is elsewhere; shown by the header's
 * Conversations button, where picking one switches to it.
 */
export class ConversationsController implements ReactiveController {
  open = false;
  list: RoomSummary[] = [];
  loading = false;
  readonly #host: ChatHost;
  readonly #options: ConversationsOptions;
  #client: ChatClient | null = null;
  /** Bumped by each refresh: an answer for an older one is stale. */
  #asked = 0;

  constructor(host: ChatHost, options: ConversationsOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** Follows the session's client: its news of direct messages. */
  hostUpdate(): void {
    const client = this.#options.client();
    if (client === this.#client) return;
    this.#client?.off('direct-message', this.#onDirect);
    this.#client = client;
    this.list = [];
    client?.on('direct-message', this.#onDirect);
  }

  hostDisconnected(): void {
    this.#client?.off('direct-message', this.#onDirect);
    this.#client = null;
  }

  /** Unread messages in conversations other than the one shown. */
  get unread(): number {
    const here = this.#options.room()?.code;
    return this.list.reduce((sum, c) => sum + (c.code === here ? 0 : c.unread), 0);
  }

  toggle = (): void => {
    this.open = !this.open;
    this.#host.requestUpdate();
    if (this.open) {
      void this.refresh();
      setTimeout(() => document.addEventListener('click', this.#closeOutside, { once: true }));
    }
  };

  close(): void {
    this.open = false;
  }

  listKey = (e: KeyboardEvent): void => {
    if (e.key !== 'Escape') return;
    e.stopPropagation();
    this.open = false;
    this.#host.requestUpdate();
    focusIn(this.#host, '.conversations');
  };

  select = (code: string): void => {
    this.open = false;
    const entry = this.list.find((c) => c.code === code);
    if (entry) entry.unread = 0;
    this.#host.requestUpdate();
    if (code !== this.#options.room()?.code) this.#options.switchTo(code);
  };

  /** Asks the server for the list again. */
  async refresh(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    const asked = ++this.#asked;
    this.loading = true;
    this.#host.requestUpdate();
    try {
      const list = await client.rooms(client.verified ? {} : { memberIds: this.#options.memberIds() });
      if (asked === this.#asked && client === this.#client) this.list = list;
    } catch (cause) {
      if (asked === this.#asked) this.#options.reportError(toChatError(cause));
    } finally {
      if (asked === this.#asked) {
        this.loading = false;
        this.#host.requestUpdate();
      }
    }
  }

  /** A message in a direct conversation the visitor has not open: it counts as unread at once. */
  #onDirect = (event: DirectMessageEvent): void => {
    const room = this.#options.room();
    // The room the news is for the member of: the direct room is joined as that same member.
    if (room && room.self.id === event.memberId) this.#options.remember(event.roomCode, room.memberId, room.self.name);
    const own = event.message.authorId === event.memberId;
    const entry = this.list.find((c) => c.code === event.roomCode);
    if (entry) {
      entry.lastMessage = event.message;
      if (!own) entry.unread++;
      this.list = [entry, ...this.list.filter((c) => c !== entry)];
    } else {
      const { authorId, author } = event.message;
      const direct = own || authorId === undefined ? undefined : { memberId: authorId, name: author };
      this.list = [{ code: event.roomCode, private: true, unread: own ? 0 : 1, lastMessage: event.message, ...(direct ? { direct } : {}) }, ...this.list];
    }
    this.#host.requestUpdate();
  };

  #closeOutside = (e: Event): void => {
    if (e.composedPath().some((n) => n instanceof HTMLElement && n.classList.contains('conversations-wrap'))) {
      document.addEventListener('click', this.#closeOutside, { once: true });
      return;
    }
    this.open = false;
    this.#host.requestUpdate();
  };
}
