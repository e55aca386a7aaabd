import type { ChatError, ChatMessage, Room } from '@roomchat/sdk';
import { toChatError } from '../errors.js';
import type { ChatErrorAction } from '../events.js';
import type { ComposerController } from './composer.js';
import { focusIn, type ChatHost } from './host.js';

export interface ComposeTargetOptions {
  room(): Room | null;
  composer: ComposerController;
  /** Shows why a reply or an edit failed (under the composer) and emits chat-error. */
  failed(error: ChatError, action: ChatErrorAction): void;
  /** A reply was sent: the list follows it to the bottom. */
  sent(): void;
}

/**
 * What the composer's next send does to another message: reply to it (`room.send(text, { replyTo })`)
 * or, for one of the visitor's own, replace its text (`room.edit`). Edits go through the composer
 * rather than a second text area in the bubble: one input keeps one set of keys (Enter, Shift+Enter,
 * IME), one length check and counter, one place for errors, and no text area inside the `log`
 * region, whose rows the list re-renders and re-anchors as messages arrive. The draft written
 * before an edit comes back when the edit ends.
 */
export class ComposeTargetController {
  kind: 'reply' | 'edit' | null = null;
  #id = '';
  /** The draft put aside while editing. */
  #stashed = '';
  readonly #host: ChatHost;
  readonly #options: ComposeTargetOptions;

  constructor(host: ChatHost, options: ComposeTargetOptions) {
    this.#host = host;
    this.#options = options;
  }

  /** The message replied to or edited, as it is now. */
  get message(): ChatMessage | undefined {
    return this.kind ? this.#options.room()?.messages.find((m) => m.id === this.#id) : undefined;
  }

  reply(message: ChatMessage): void {
    if (this.kind === 'edit') this.cancel();
    this.#start('reply', message.id);
  }

  edit(message: ChatMessage): void {
    const composer = this.#options.composer;
    if (this.kind !== 'edit') this.#stashed = composer.draft;
    this.kind = null;
    composer.draft = message.text ?? '';
    this.#start('edit', message.id);
  }

  /** Back to plain sending; an edit's text gives way to the draft put aside. */
  cancel = (): void => {
    if (!this.kind) return;
    if (this.kind === 'edit') this.#options.composer.draft = this.#stashed;
    this.#end();
    focusIn(this.#host, '#input');
  };

  /** Escape in the input cancels; true when it did (the key is then handled). */
  key(e: KeyboardEvent): boolean {
    if (e.key !== 'Escape' || !this.kind) return false;
    // Handled here: the launcher panel must not close as well.
    e.stopPropagation();
    e.preventDefault();
    this.cancel();
    return true;
  }

  /** A message changed: an edit of a message just deleted cannot go on. */
  changed(message: ChatMessage): void {
    if (this.kind === 'edit' && message.id === this.#id && message.deletedAt) this.cancel();
    this.#host.requestUpdate();
  }

  /** Takes the composer's text when replying or editing; false for a plain send. */
  divert = (text: string): boolean => {
    const room = this.#options.room();
    const id = this.#id;
    if (!this.kind || !room) return false;
    if (this.kind === 'reply') {
      this.#end();
      this.#options.sent();
      // Until pending sends are the SDK's to show (issue #21), a reply shows once stored.
      room.send(text, { replyTo: id }).catch((cause) => this.#options.failed(toChatError(cause), 'send'));
      return true;
    }
    const composer = this.#options.composer;
    const before = this.message?.text;
    // Unchanged: nothing to store.
    if (text === before) {
      this.cancel();
      return true;
    }
    // Kept in the composer until stored, so a refused edit (EDIT_WINDOW_CLOSED...) can be cancelled or fixed.
    composer.draft = text;
    room.edit(id, text).then(
      () => {
        if (this.kind === 'edit' && this.#id === id) this.cancel();
      },
      (cause) => this.#options.failed(toChatError(cause), 'edit'),
    );
    return true;
  };

  /** The room was entered or left. */
  reset(): void {
    this.#end();
    this.#stashed = '';
  }

  #start(kind: 'reply' | 'edit', id: string): void {
    this.kind = kind;
    this.#id = id;
    this.#options.composer.error = '';
    this.#host.requestUpdate();
    void this.#host.updateComplete.then(() => {
      const area = this.#host.renderRoot.querySelector<HTMLTextAreaElement>('#input');
      area?.focus();
      area?.setSelectionRange(area.value.length, area.value.length);
    });
  }

  #end(): void {
    this.kind = null;
    this.#id = '';
    this.#host.requestUpdate();
  }
}
