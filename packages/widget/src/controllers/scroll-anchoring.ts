import type { ReactiveController } from 'lit';
import type { ChatError, ChatMessage, Room } from '@roomchat/sdk';
import { isAtBottom } from '../dom.js';
import { toChatError } from '../errors.js';
import type { ChatErrorAction } from '../events.js';
import type { ChatHost } from './host.js';

/** Within this many pixels of the top, scrolling loads older messages. */
const TOP_SLACK_PX = 120;

/** Where a message row was, relative to the top of the list, so a render can put it back there. */
interface Anchor {
  seq: number;
  offset: number;
}

export interface ScrollAnchoringOptions {
  /** The room whose history is shown, if any. */
  room(): Room | null;
  reportError(error: ChatError, action: ChatErrorAction): void;
}

/**
 * Keeps the message list where the visitor expects it across renders: at the bottom while they are
 * at the bottom (or just sent something), still while they read above, with a "new messages"
 * button meanwhile, and with the first visible row in place while older messages load above it.
 * Measures before each render (`hostUpdate`) and scrolls after it (`hostUpdated`).
 */
export class ScrollAnchoringController implements ReactiveController {
  /** Whether older messages are being fetched. */
  loadingOlder = false;
  /** Whether messages arrived below while the visitor was reading above. */
  newBelow = false;
  #wasAtBottom = true;
  #forceBottom = false;
  #anchor: Anchor | null = null;
  /** Measured before asking for older messages; applied by the render that shows them. */
  #pendingAnchor: Anchor | null = null;
  readonly #host: ChatHost;
  readonly #options: ScrollAnchoringOptions;

  constructor(host: ChatHost, options: ScrollAnchoringOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  hostUpdate(): void {
    const list = this.#list;
    if (list) this.#wasAtBottom = isAtBottom(list);
  }

  hostUpdated(): void {
    const list = this.#list;
    if (!list) return;
    if (this.#anchor) {
      const el = list.querySelector<HTMLElement>(`[data-seq="${this.#anchor.seq}"]`);
      if (el) list.scrollTop = el.offsetTop - this.#anchor.offset;
      this.#anchor = null;
    } else if (this.#forceBottom || this.#wasAtBottom) {
      list.scrollTop = list.scrollHeight;
      this.#forceBottom = false;
    }
  }

  /** The next render scrolls to the bottom (a room entered, the panel opened, the visitor sent). */
  stickToBottom(): void {
    this.#forceBottom = true;
  }

  /** Where the list is scrolled: its first visible row and that row's offset, or null at the bottom. */
  position(): Anchor | null {
    const list = this.#list;
    if (!list || isAtBottom(list)) return null;
    const rows = list.querySelectorAll<HTMLElement>('[data-seq]');
    for (const row of rows) {
      if (row.offsetTop + row.offsetHeight > list.scrollTop) return { seq: Number(row.dataset['seq']), offset: row.offsetTop - list.scrollTop };
    }
    return null;
  }

  /** The next render puts the row `seq` back where it was (a reload restoring the visitor's place). */
  restore(position: Anchor): void {
    this.#anchor = position;
    this.#forceBottom = false;
    this.#host.requestUpdate();
  }

  /** A room was entered or left: nothing new below any more. */
  reset(): void {
    this.newBelow = false;
  }

  /** A message arrived: follow it if it is the visitor's own, else flag it if they read above. */
  messageArrived(message: ChatMessage, own: boolean): void {
    const list = this.#list;
    const atBottom = list ? isAtBottom(list) : true;
    if (own) this.#forceBottom = true;
    else if (!atBottom && message.kind !== 'join' && message.kind !== 'leave') this.newBelow = true;
  }

  /** Older messages were added: the render that shows them keeps the measured row in place. */
  historyArrived(): void {
    this.#anchor = this.#pendingAnchor;
    this.#pendingAnchor = null;
    this.#host.requestUpdate();
  }

  scrolled = (): void => {
    const list = this.#list;
    if (!list) return;
    if (this.newBelow && isAtBottom(list)) {
      this.newBelow = false;
      this.#host.requestUpdate();
    }
    if (list.scrollTop < TOP_SLACK_PX && list.scrollHeight > list.clientHeight) void this.loadOlder();
  };

  jumpToNew = (): void => {
    this.newBelow = false;
    this.#forceBottom = true;
    this.#host.requestUpdate();
  };

  async loadOlder(): Promise<void> {
    const room = this.#options.room();
    const list = this.#list;
    if (!room || !room.hasMore || this.loadingOlder) return;
    this.loadingOlder = true;
    this.#host.requestUpdate();
    // Keep the first visible message where it is while older ones appear above it.
    const first = list?.querySelector<HTMLElement>('[data-seq]');
    this.#pendingAnchor = first && list ? { seq: Number(first.dataset['seq']), offset: first.offsetTop - list.scrollTop } : null;
    try {
      await room.loadOlder();
    } catch (cause) {
      this.#options.reportError(toChatError(cause), 'history');
    } finally {
      this.loadingOlder = false;
      this.#pendingAnchor = null;
      this.#host.requestUpdate();
    }
  }

  get #list(): HTMLElement | null {
    return this.#host.renderRoot?.querySelector?.('.messages') ?? null;
  }
}
