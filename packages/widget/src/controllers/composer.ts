import { IMAGE_TYPES, type ChatError, type PendingSend, type Room } from '@roomchat/sdk';
import { autosize, hasFiles } from '../dom.js';
import type { ChatErrorAction } from '../events.js';
import type { ChatStrings } from '../strings/index.js';
import type { PendingItem } from '../timeline.js';
import { focusIn, type ChatHost } from './host.js';

export interface ComposerOptions {
  strings(): ChatStrings;
  reportError(error: ChatError, action: ChatErrorAction): void;
  /** The visitor sent something: the list follows it to the bottom. */
  sent(): void;
  /** Takes the text instead of a plain send (a reply or an edit: compose-target.ts); true when it did. */
  divert?(text: string): boolean;
}

const ignore = () => {};

/**
 * What the visitor is writing and sending in the current room: the draft, the error under it, and
 * the images picked, pasted or dropped. Checks what the server would refuse anyway (length, type,
 * size) before sending, to say so at once. The sends on their way are the SDK's (`room.sends`:
 * progress, failure, retry); this only keeps the `blob:` previews of picked images.
 */
export class ComposerController {
  draft = '';
  /** Shown under the input; empty for none. */
  error = '';
  /** Drag enters minus leaves over the list: it fires for every child, so a flag would flicker. */
  dragDepth = 0;
  #room: Room | null = null;
  #off: (() => void) | null = null;
  /** Preview URLs of picked images by client id, revoked once their send is no longer listed. */
  readonly #previews = new Map<string, string>();
  /** Client ids already reported failed, so each failure is reported once. */
  readonly #reported = new Set<string>();
  readonly #host: ChatHost;
  readonly #options: ComposerOptions;

  constructor(host: ChatHost, options: ComposerOptions) {
    this.#host = host;
    this.#options = options;
  }

  /** The visitor's sends not stored yet (the SDK's, with sends left from before a reload), with previews. */
  get pending(): readonly PendingItem[] {
    return (this.#room?.sends ?? []).map((send) => ({ send, previewUrl: this.#preview(send) }));
  }

  /** A room was entered: a fresh draft; its sends are followed as the SDK lists them. */
  enter(room: Room): void {
    this.leave();
    this.#room = room;
    this.draft = '';
    this.error = '';
    const onSends = (sends: PendingSend[]) => this.#sendsChanged(sends);
    room.on('sends', onSends);
    this.#off = () => room.off('sends', onSends);
  }

  /** The room was left: release the image previews. */
  leave(): void {
    this.#off?.();
    this.#off = null;
    this.#room = null;
    for (const url of this.#previews.values()) URL.revokeObjectURL(url);
    this.#previews.clear();
    this.#reported.clear();
  }

  retry(clientId: string): void {
    this.#reported.delete(clientId);
    // Its failure, if it fails again, shows in room.sends.
    this.#room?.retry(clientId).catch(ignore);
  }

  discard(clientId: string): void {
    this.#room?.discard(clientId);
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
    if (!room) return;
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
      room.send(text).catch(ignore);
    }
    const area = this.#host.renderRoot.querySelector<HTMLTextAreaElement>('#input');
    if (area) void this.#host.updateComplete.then(() => autosize(area));
  }

  #sendImages(files: Iterable<File>): void {
    const room = this.#room;
    if (!room) return;
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
      room.sendImage(file).catch(ignore);
    }
    this.#host.requestUpdate();
  }

  #preview(send: PendingSend): string | undefined {
    if (!send.file) return undefined;
    let url = this.#previews.get(send.clientId);
    if (!url) {
      url = URL.createObjectURL(send.file);
      this.#previews.set(send.clientId, url);
    }
    return url;
  }

  /** Re-renders, reports each new failure once (`chat-error`), and revokes previews of sends gone. */
  #sendsChanged(sends: readonly PendingSend[]): void {
    const listed = new Set(sends.map((send) => send.clientId));
    for (const [clientId, url] of this.#previews) {
      if (listed.has(clientId)) continue;
      URL.revokeObjectURL(url);
      this.#previews.delete(clientId);
    }
    for (const clientId of this.#reported) if (!listed.has(clientId)) this.#reported.delete(clientId);
    for (const send of sends) {
      if (send.status !== 'failed' || !send.error || this.#reported.has(send.clientId)) continue;
      this.#reported.add(send.clientId);
      this.#options.reportError(send.error, send.kind === 'image' && send.imageId === undefined ? 'upload' : 'send');
    }
    this.#host.requestUpdate();
  }
}
