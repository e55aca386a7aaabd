import { IMAGE_TYPES, type ChatError, type ChatMessage, type Room } from '@roomchat/sdk';
import { autosize, hasFiles } from '../dom.js';
import type { ChatErrorAction } from '../events.js';
import { Outgoing, type OutgoingMessage } from '../outgoing.js';
import type { ChatStrings } from '../strings/index.js';
import { focusIn, type ChatHost } from './host.js';

export interface ComposerOptions {
  strings(): ChatStrings;
  reportError(error: ChatError, action: ChatErrorAction): void;
  /** The visitor sent something: the list follows it to the bottom. */
  sent(): void;
  /** Takes the text instead of a plain send (a reply or an edit: compose-target.ts); true when it did. */
  divert?(text: string): boolean;
}

/**
 * What the visitor is writing and sending in the current room: the draft, the error under it, the
 * images picked, pasted or dropped, and their sends on the way (see outgoing.ts). Checks what the
 * server would refuse anyway (length, type, size) before sending, to say so at once.
 */
export class ComposerController {
  draft = '';
  /** Shown under the input; empty for none. */
  error = '';
  /** Drag enters minus leaves over the list: it fires for every child, so a flag would flicker. */
  dragDepth = 0;
  #room: Room | null = null;
  #outgoing: Outgoing | null = null;
  readonly #host: ChatHost;
  readonly #options: ComposerOptions;

  constructor(host: ChatHost, options: ComposerOptions) {
    this.#host = host;
    this.#options = options;
  }

  /** The visitor's sends not stored yet. */
  get pending(): readonly OutgoingMessage[] {
    return this.#outgoing?.items ?? [];
  }

  /** A room was entered: a fresh draft, and its sends left from before a reload shown as pending. */
  enter(room: Room): void {
    this.#room = room;
    this.draft = '';
    this.error = '';
    this.#outgoing = new Outgoing(room, {
      change: () => this.#host.requestUpdate(),
      error: (error, action) => this.#options.reportError(error, action),
    });
    // Sends left from before a reload: the SDK re-sends them; show them as pending meanwhile.
    this.#outgoing.adopt(room.pending);
  }

  /** The room was left: release what its pending sends hold (image previews). */
  leave(): void {
    this.#outgoing?.dispose();
    this.#outgoing = null;
    this.#room = null;
  }

  /** A stored message arrived: the pending send with its client id is done. */
  confirm(message: ChatMessage): void {
    this.#outgoing?.confirm(message);
  }

  /** The SDK gave up on a send: show it failed, with retry. */
  fail(clientId: string, error: ChatError): void {
    this.#outgoing?.fail(clientId, error);
  }

  retry(clientId: string): void {
    this.#outgoing?.retry(clientId);
  }

  discard(clientId: string): void {
    this.#outgoing?.discard(clientId);
  }

  /** The connection is back: retry the sends that failed for want of it. */
  retryTransient(): void {
    this.#outgoing?.retryTransient();
  }

  input = (e: Event): void => {
    const area = e.target as HTMLTextAreaElement;
    this.draft = area.value;
    autosize(area);
    if (this.error) this.error = '';
    this.#host.requestUpdate();
  };

  inputKey = (e: KeyboardEvent): void => {
    // Enter sends, Shift+Enter is a new line; never while an IME is composing a character.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      this.#send();
    }
  };

  submit = (e: Event): void => {
    e.preventDefault();
    this.#send();
    focusIn(this.#host, '#input');
  };

  paste = (e: ClipboardEvent): void => {
    const files = [...(e.clipboardData?.files ?? [])].filter((f) => f.type.startsWith('image/'));
    if (!files.length) return;
    e.preventDefault();
    this.#sendImages(files);
  };

  pickFile = (): void => {
    this.#host.renderRoot.querySelector<HTMLInputElement>('#file')?.click();
  };

  filesPicked = (e: Event): void => {
    const input = e.target as HTMLInputElement;
    this.#sendImages([...(input.files ?? [])]);
    input.value = '';
  };

  /** Images dragged over the message list are sent when dropped there. */
  readonly drag = {
    dragenter: (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      this.dragDepth++;
      this.#host.requestUpdate();
    },
    dragover: (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    },
    dragleave: (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      this.dragDepth = Math.max(0, this.dragDepth - 1);
      this.#host.requestUpdate();
    },
    drop: (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      this.dragDepth = 0;
      this.#sendImages([...(e.dataTransfer?.files ?? [])]);
    },
  };

  #send(): void {
    const room = this.#room;
    const outgoing = this.#outgoing;
    if (!room || !outgoing) return;
    const text = this.draft;
    if (!text.trim()) return;
    if ([...text].length > room.limits.messageMaxLength) {
      const s = this.#options.strings();
      this.error = s.errors.MESSAGE_TOO_LONG ?? s.errors.fallback;
      this.#host.requestUpdate();
      return;
    }
    this.draft = '';
    this.error = '';
    if (!this.#options.divert?.(text)) {
      this.#options.sent();
      outgoing.sendText(text);
    }
    const area = this.#host.renderRoot.querySelector<HTMLTextAreaElement>('#input');
    if (area) void this.#host.updateComplete.then(() => autosize(area));
  }

  #sendImages(files: Iterable<File>): void {
    const room = this.#room;
    const outgoing = this.#outgoing;
    if (!room || !outgoing) return;
    const s = this.#options.strings();
    this.error = '';
    for (const file of files) {
      if (!(IMAGE_TYPES as readonly string[]).includes(file.type)) {
        this.error = s.errors.UNSUPPORTED_MEDIA_TYPE ?? s.errors.fallback;
        continue;
      }
      if (file.size > room.limits.imageMaxBytes) {
        this.error = s.errors.PAYLOAD_TOO_LARGE ?? s.errors.fallback;
        continue;
      }
      this.#options.sent();
      outgoing.sendImage(file);
    }
    this.#host.requestUpdate();
  }
}
