import type { ReactiveController } from 'lit';
import type { ChatMessage, Room } from '@roomchat/sdk';
import { isAtBottom } from '../dom.js';
import type { ChatHost } from './host.js';

export interface ReadReceiptsOptions {
  room(): Room | null;
  /** Whether the list can be seen at all (in launcher mode: the panel is open). */
  shown(): boolean;
  seenBy(names: readonly string[]): string;
}

/** A message others can read and react to: text or image, not deleted. */
function counts(message: ChatMessage): boolean {
  return (message.kind === 'text' || message.kind === 'image') && !message.deletedAt;
}

/**
 * Read receipts, both ways. The room is marked read (`room.markRead`) only when its newest
 * messages are really in front of the visitor: the tab visible, the panel open, and the list
 * scrolled to the bottom (the same "at the bottom" as scroll anchoring). Keeps the "New messages"
 * divider above the first message that was unread when the visitor opened or came back to the
 * room, and says who has seen the visitor's last message.
 */
export class ReadReceiptsController implements ReactiveController {
  /** The seq of the first message under the divider; null for none. */
  dividerSeq: number | null = null;
  #away = false;
  readonly #host: ChatHost;
  readonly #options: ReadReceiptsOptions;

  constructor(host: ChatHost, options: ReadReceiptsOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.#visibility);
    // The list's scroll events do not bubble; caught on the way down instead.
    this.#host.renderRoot.addEventListener('scroll', this.check, { capture: true, passive: true });
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.#visibility);
    this.#host.renderRoot.removeEventListener('scroll', this.check, { capture: true });
  }

  hostUpdated(): void {
    this.check();
  }

  /** A room was entered, or the visitor came back to it (the panel opened): the divider moves to what is unread now. */
  returned(): void {
    const room = this.#options.room();
    // A member who never read the room (just joined) has nothing "new" to tell apart from the rest.
    const unread = room && room.readSeq > 0 ? room.messages.find((m) => m.seq > room.readSeq && counts(m) && m.authorId !== room.self.id) : undefined;
    this.dividerSeq = unread?.seq ?? null;
    this.#host.requestUpdate();
  }

  leave(): void {
    this.dividerSeq = null;
  }

  /** "Seen by …" for the visitor's last message, to show under it; null while nobody has read it. */
  seen(room: Room): { id: string; text: string } | null {
    const messages = room.messages;
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i]!;
      if (m.authorId !== room.self.id || !counts(m)) continue;
      const names = room.seenBy(m).map((member) => member.name);
      return names.length ? { id: m.id, text: this.#options.seenBy(names) } : null;
    }
    return null;
  }

  /** Marks the room read up to its newest message if that is in front of the visitor now. */
  check = (): void => {
    const room = this.#options.room();
    const newest = room?.messages.at(-1)?.seq ?? 0;
    if (!room || room.left || newest <= room.readSeq || document.visibilityState !== 'visible' || !this.#options.shown()) return;
    const list = this.#host.renderRoot.querySelector<HTMLElement>('.messages');
    if (!list || !isAtBottom(list)) return;
    // Best effort: a failed mark is made again with the next message seen.
    room.markRead(newest).catch(() => undefined);
  };

  #visibility = (): void => {
    if (document.visibilityState === 'hidden') this.#away = true;
    else if (this.#away) {
      this.#away = false;
      this.returned();
    }
  };
}
