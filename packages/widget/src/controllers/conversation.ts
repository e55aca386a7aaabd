import { html, type TemplateResult } from 'lit';
import type { ChatError, ChatMessage, Room } from '@roomchat/sdk';
import type { ChatErrorAction } from '../events.js';
import type { ChatStrings } from '../strings/index.js';
import { renderComposeTarget } from '../views/compose-target.js';
import type { ConversationRowContext } from '../views/message-row.js';
import { renderTyping } from '../views/typing.js';
import { ComposeTargetController } from './compose-target.js';
import type { ComposerController } from './composer.js';
import type { ChatHost } from './host.js';
import { JumpController } from './jump.js';
import { MessageActionsController } from './message-actions.js';
import { ReadReceiptsController } from './read-receipts.js';
import { SearchController } from './search.js';
import type { ScrollAnchoringController } from './scroll-anchoring.js';
import { errorText } from '../errors.js';

export interface ConversationOptions {
  room(): Room | null;
  strings(): ChatStrings;
  composer: ComposerController;
  scroll: ScrollAnchoringController;
  /** Whether the list can be seen (in launcher mode: the panel is open). */
  shown(): boolean;
  announce(text: string): void;
  /** Emits chat-error. */
  reportError(error: ChatError, action: ChatErrorAction): void;
}

/**
 * The conversation around the messages, wired once so the element wires one thing: message
 * actions (message-actions.ts), replying and editing through the composer (compose-target.ts),
 * showing the original of a quote (jump.ts), read receipts and the unread divider
 * (read-receipts.ts), searching (search.ts), and typing.
 */
export class ConversationController {
  readonly target: ComposeTargetController;
  readonly actions: MessageActionsController;
  readonly jump: JumpController;
  readonly reads: ReadReceiptsController;
  /** The header's search box; a result is shown through the jump above. */
  readonly search: SearchController;
  readonly #options: ConversationOptions;

  constructor(host: ChatHost, options: ConversationOptions) {
    this.#options = options;
    const { room, strings, composer, scroll, announce } = options;
    // Why an action on a message failed shows where a failed send does: under the composer.
    const failed = (error: ChatError, action: ChatErrorAction) => {
      const s = strings();
      composer.error = errorText(s, error.code);
      options.reportError(error, action);
      host.requestUpdate();
    };
    this.target = new ComposeTargetController(host, { room, composer, failed, sent: () => scroll.stickToBottom() });
    this.actions = new MessageActionsController(host, {
      room,
      strings,
      announce,
      failed,
      reply: (m) => this.target.reply(m),
      edit: (m) => this.target.edit(m),
    });
    this.jump = new JumpController(host, { room, strings, announce, loadOlder: () => scroll.loadOlder(), loadingOlder: () => scroll.loadingOlder });
    this.search = new SearchController(host, { room, strings, jump: (id) => this.jump.jump(id) });
    this.reads = new ReadReceiptsController(host, { room, shown: options.shown, seenBy: (names) => strings().seenBy(names) });
  }

  /** A room was entered: the divider goes above what is unread in it. */
  entered(): void {
    this.reads.returned();
  }

  left(): void {
    this.target.reset();
    this.actions.reset();
    this.jump.reset();
    this.search.reset();
    this.reads.leave();
  }

  /** A message already shown changed (`message-updated`): edited, deleted or reacted to. */
  updated(message: ChatMessage): void {
    this.target.changed(message);
  }

  /** What a message row needs of the conversation. */
  row(room: Room): ConversationRowContext {
    return {
      actions: this.actions,
      jump: this.jump.jump,
      highlighted: this.jump.highlighted,
      unreadFrom: this.reads.dividerSeq,
      seen: this.reads.seen(room),
    };
  }

  /** Input in the composer: others hear the visitor is typing (the SDK throttles it), unless it is an edit. */
  input = (e: Event): void => {
    this.#options.composer.input(e);
    if (this.target.kind !== 'edit') this.#options.room()?.typing();
  };

  /** A key in the composer: Escape ends a reply or an edit, other keys are the composer's. */
  inputKey = (e: KeyboardEvent): void => {
    if (!this.target.key(e)) this.#options.composer.inputKey(e);
  };

  /** The strings the composer shows: Send becomes Save while editing. */
  composerStrings(s: ChatStrings): ChatStrings {
    return this.target.kind === 'edit' ? { ...s, send: s.save } : s;
  }

  /** What goes between the list and the composer: who is typing, and the reply or edit bar. */
  renderAboveComposer(room: Room): TemplateResult {
    const s = this.#options.strings();
    const target = this.target;
    return html`${renderTyping(s, room.typingMembers)}${renderComposeTarget({ strings: s, kind: target.kind, message: target.message, cancel: target.cancel })}`;
  }
}
