import type { ReactiveController } from 'lit';
import type { ChatError, ChatMessage, Room } from '@roomchat/sdk';
import { copyText } from '../dom.js';
import { toChatError } from '../errors.js';
import type { ChatErrorAction } from '../events.js';
import { moderates } from '../moderation-rules.js';
import type { ActionsPanel, MessageActionsContext } from '../views/message-actions.js';
import type { ChatHost } from './host.js';

/** How long a touch must rest on a message to open its actions, as platforms do for a long-press. */
const LONG_PRESS_MS = 500;
/** A touch that moves further than this is a scroll, not a long-press. */
const LONG_PRESS_SLOP_PX = 10;

export interface MessageActionsOptions {
  room(): Room | null;
  /** Reply to or edit the message through the composer (controllers/compose-target.ts). */
  reply(message: ChatMessage): void;
  edit(message: ChatMessage): void;
  announce(text: string): void;
  strings(): { textCopied: string; mod: { reported: string } };
  /** Shows why an action failed (under the composer) and emits chat-error. */
  failed(error: ChatError, action: ChatErrorAction): void;
}

/**
 * The toolbar of each message: which one is held open (by a long-press, the reaction picker or the
 * delete confirmation), what its buttons do, and where focus goes after them. Reactions, edits and
 * deletes go to the SDK, whose `message-updated` event redraws the message for every member.
 */
export class MessageActionsController implements ReactiveController, MessageActionsContext {
  open: { id: string; panel: ActionsPanel } | null = null;
  /** The reason picked in an open report panel. */
  reportReason = 'spam';
  #press: { id: string; x: number; y: number; timer: ReturnType<typeof setTimeout> } | null = null;
  readonly #host: ChatHost;
  readonly #options: MessageActionsOptions;

  constructor(host: ChatHost, options: MessageActionsOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  hostConnected(): void {
    // Delegated from the shadow root, so rows carry no handlers for it.
    const root = this.#host.renderRoot;
    root.addEventListener('pointerdown', this.#pointerDown as EventListener);
    root.addEventListener('pointermove', this.#pointerMove as EventListener);
    // A touch that becomes a scroll ends in pointercancel; scrolls the list makes itself (a new
    // message) must not cancel a long-press.
    for (const type of ['pointerup', 'pointercancel']) root.addEventListener(type, this.#pointerEnd, { capture: true });
  }

  hostDisconnected(): void {
    const root = this.#host.renderRoot;
    root.removeEventListener('pointerdown', this.#pointerDown as EventListener);
    root.removeEventListener('pointermove', this.#pointerMove as EventListener);
    for (const type of ['pointerup', 'pointercancel']) root.removeEventListener(type, this.#pointerEnd, { capture: true });
    this.#pointerEnd();
  }

  /** The room was entered or left: no toolbar is held open. */
  reset(): void {
    this.open = null;
  }

  reply = (message: ChatMessage): void => {
    this.#close();
    this.#options.reply(message);
  };

  edit = (message: ChatMessage): void => {
    this.#close();
    this.#options.edit(message);
  };

  copy = (message: ChatMessage): void => {
    const root = this.#host.shadowRoot;
    if (message.text === undefined || !root) return;
    void copyText(message.text, root).then(() => this.#options.announce(this.#options.strings().textCopied));
  };

  togglePicker = (message: ChatMessage): void => {
    const opening = this.open?.id !== message.id || this.open.panel !== 'picker';
    this.#show(opening ? { id: message.id, panel: 'picker' } : null, opening ? '.pick' : '.react', message.id);
  };

  toggleReaction = (message: ChatMessage, emoji: string): void => {
    const room = this.#options.room();
    if (!room) return;
    const mine = message.reactions?.some((r) => r.emoji === emoji && r.mine) ?? false;
    if (this.open?.panel === 'picker' && this.open.id === message.id) this.#show(null, '.react', message.id);
    (mine ? room.unreact(message.id, emoji) : room.react(message.id, emoji)).then(
      () => this.#host.requestUpdate(),
      (cause) => this.#options.failed(toChatError(cause), 'react'),
    );
  };

  askDelete = (message: ChatMessage): void => {
    // Focus goes to Cancel: the harmless choice is the one a stray Enter takes.
    this.#show({ id: message.id, panel: 'confirm' }, '.cancel-delete', message.id);
  };

  confirmDelete = (message: ChatMessage): void => {
    const room = this.#options.room();
    this.open = null;
    this.#host.requestUpdate();
    if (!room) return;
    room.delete(message.id).then(
      // The tombstone has no toolbar: focus stays on its row, which reads "This message was deleted".
      () => this.#focusRow(message.id),
      (cause) => this.#options.failed(toChatError(cause), 'delete'),
    );
  };

  dismiss = (message: ChatMessage): void => {
    const panel = this.open?.panel;
    this.#show(null, panel === 'picker' ? '.react' : panel === 'report' ? '.report' : '.delete', message.id);
  };

  /** Whether the visitor deletes others' messages too (moderators and up). */
  get moderates(): boolean {
    return moderates(this.#options.room()?.role);
  }

  askReport = (message: ChatMessage): void => {
    this.reportReason = 'spam';
    this.#show({ id: message.id, panel: 'report' }, '.reason input:checked', message.id);
  };

  pickReason = (reason: string): void => {
    this.reportReason = reason;
  };

  confirmReport = (message: ChatMessage): void => {
    const room = this.#options.room();
    const reason = this.reportReason;
    this.#show(null, '.report', message.id);
    if (!room) return;
    room.report(message.id, reason).then(
      () => this.#options.announce(this.#options.strings().mod.reported),
      (cause) => this.#options.failed(toChatError(cause), 'report'),
    );
  };

  toolbarKey = (e: KeyboardEvent): void => {
    const buttons = [...(e.currentTarget as HTMLElement).querySelectorAll<HTMLButtonElement>('button')];
    const at = buttons.indexOf(e.target as HTMLButtonElement);
    const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: buttons.length - 1 }[e.key];
    if (next === undefined || at < 0) return;
    e.preventDefault();
    const target = buttons[(next + buttons.length) % buttons.length]!;
    // Roving tabindex: the toolbar stays one tab stop, the last button used.
    for (const b of buttons) b.tabIndex = b === target ? 0 : -1;
    target.focus();
  };

  panelKey = (e: KeyboardEvent, message: ChatMessage): void => {
    if (e.key !== 'Escape') return;
    // Handled here: the launcher panel must not close as well.
    e.stopPropagation();
    this.dismiss(message);
  };

  #close(): void {
    if (!this.open) return;
    this.open = null;
    this.#host.requestUpdate();
  }

  /** Sets what is held open, then focuses `selector` in the message's row once rendered. */
  #show(open: MessageActionsController['open'], selector: string, id: string): void {
    this.open = open;
    this.#host.requestUpdate();
    void this.#host.updateComplete.then(() => this.#row(id)?.querySelector<HTMLElement>(selector)?.focus());
  }

  #focusRow(id: string): void {
    void this.#host.updateComplete.then(() => this.#row(id)?.focus());
  }

  #row(id: string): HTMLElement | null {
    return this.#host.renderRoot.querySelector<HTMLElement>(`.msg[data-id="${CSS.escape(id)}"]`);
  }

  #pointerDown = (e: PointerEvent): void => {
    const row = (e.target as Element).closest?.<HTMLElement>('.msg[data-id]');
    if (e.pointerType !== 'touch' || !row || (e.target as Element).closest('button')) {
      // A touch or click elsewhere lets go of a toolbar held open by a long-press.
      if (this.open?.panel === 'toolbar' && row?.dataset['id'] !== this.open.id) this.#close();
      return;
    }
    this.#pointerEnd();
    const id = row.dataset['id']!;
    const timer = setTimeout(() => {
      this.#press = null;
      this.#show({ id, panel: 'toolbar' }, '.toolbar button', id);
    }, LONG_PRESS_MS);
    this.#press = { id, x: e.clientX, y: e.clientY, timer };
  };

  #pointerMove = (e: PointerEvent): void => {
    const press = this.#press;
    if (press && Math.hypot(e.clientX - press.x, e.clientY - press.y) > LONG_PRESS_SLOP_PX) this.#pointerEnd();
  };

  #pointerEnd = (): void => {
    if (this.#press) clearTimeout(this.#press.timer);
    this.#press = null;
  };
}
