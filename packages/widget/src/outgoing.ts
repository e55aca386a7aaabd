import { ChatError, ErrorCode, timeOrderedId, type ChatMessage, type OutboxEntry, type Room } from '@roomchat/sdk';

/** A message the visitor sent that the server has not stored yet. */
export interface OutgoingMessage {
  /** Sent with the message; the server stores it once, so a retry with it cannot duplicate. */
  readonly clientId: string;
  readonly kind: 'text' | 'image';
  readonly text?: string;
  readonly file?: Blob;
  /** A `blob:` URL of the picked image, shown until the stored image replaces it. */
  readonly previewUrl?: string;
  /** Upload progress, 0..1 (images only). */
  progress: number;
  status: 'sending' | 'failed';
  error?: ChatError;
  /** Set once the upload succeeded, so a retry only re-sends the message. */
  imageId?: string;
  readonly createdAt: Date;
}

export interface OutgoingHooks {
  /** Something about the pending messages changed; re-render. */
  change(): void;
  /** A send or an upload failed. */
  error(error: ChatError, action: 'send' | 'upload'): void;
}

/**
 * The visitor's messages on their way to one room, as the UI shows them: each is pending until
 * the server stores it, then disappears into the room's history, or stays failed until retried or
 * discarded. This is the view's side (previews, upload progress, retry); re-sending over
 * reconnects is the SDK's.
 */
export class Outgoing {
  readonly items: OutgoingMessage[] = [];
  readonly #room: Room;
  readonly #hooks: OutgoingHooks;

  constructor(room: Room, hooks: OutgoingHooks) {
    this.#room = room;
    this.#hooks = hooks;
  }

  /**
   * Whether a stored message was sent by this visitor's member session (also from another tab, or
   * before a reload): by the author id the server set, which no other member can copy.
   */
  static isOwn(message: ChatMessage, memberId: string): boolean {
    return message.authorId === memberId;
  }

  sendText(text: string): OutgoingMessage {
    return this.#start({ clientId: timeOrderedId(), kind: 'text', text, progress: 0, status: 'sending', createdAt: new Date() });
  }

  sendImage(file: Blob): OutgoingMessage {
    const previewUrl = URL.createObjectURL(file);
    return this.#start({ clientId: timeOrderedId(), kind: 'image', file, previewUrl, progress: 0, status: 'sending', createdAt: new Date() });
  }

  /**
   * Shows sends the SDK restored from its outbox (made before a page reload) as pending. The SDK
   * re-sends them itself; they are confirmed like any other when the stored message arrives.
   */
  adopt(entries: readonly OutboxEntry[]): void {
    let added = false;
    for (const entry of entries) {
      if (this.items.some((i) => i.clientId === entry.clientId)) continue;
      this.items.push({
        clientId: entry.clientId,
        kind: entry.imageId === undefined ? 'text' : 'image',
        ...(entry.text === undefined ? {} : { text: entry.text }),
        ...(entry.imageId === undefined ? {} : { imageId: entry.imageId }),
        progress: 1,
        status: 'sending',
        createdAt: new Date(entry.queuedAt),
      });
      added = true;
    }
    if (added) this.#hooks.change();
  }

  /** Marks a message failed (the SDK gave up on it), unless it is already settled. */
  fail(clientId: string, error: ChatError): void {
    const item = this.items.find((i) => i.clientId === clientId);
    if (!item || item.status === 'failed') return;
    item.status = 'failed';
    item.error = error;
    this.#hooks.change();
  }

  /** Sends a failed message again, with the same client id. */
  retry(clientId: string): void {
    const item = this.items.find((i) => i.clientId === clientId);
    if (!item || item.status !== 'failed') return;
    item.status = 'sending';
    delete item.error;
    this.#hooks.change();
    void this.#deliver(item);
  }

  /** Retries every failed message whose failure may pass (timeouts, lost connection). */
  retryTransient(): void {
    for (const item of this.items) if (item.status === 'failed' && item.error?.retryable) this.retry(item.clientId);
  }

  discard(clientId: string): void {
    const index = this.items.findIndex((i) => i.clientId === clientId);
    if (index < 0) return;
    const [item] = this.items.splice(index, 1);
    if (item?.previewUrl) URL.revokeObjectURL(item.previewUrl);
    this.#hooks.change();
  }

  /** A stored message arrived: the pending one with its client id is done. */
  confirm(message: ChatMessage): void {
    if (message.clientId && this.items.some((i) => i.clientId === message.clientId)) this.discard(message.clientId);
  }

  /** Releases the image previews. */
  dispose(): void {
    for (const item of this.items.splice(0)) if (item.previewUrl) URL.revokeObjectURL(item.previewUrl);
  }

  #start(item: OutgoingMessage): OutgoingMessage {
    this.items.push(item);
    this.#hooks.change();
    void this.#deliver(item);
    return item;
  }

  async #deliver(item: OutgoingMessage): Promise<void> {
    const room = this.#room;
    let action: 'send' | 'upload' = 'send';
    try {
      let message: ChatMessage;
      if (item.kind === 'text') {
        message = await room.send(item.text ?? '', { clientId: item.clientId });
      } else {
        if (!item.imageId) {
          action = 'upload';
          const image = await room.uploadImage(item.file!, {
            onProgress: (fraction) => {
              item.progress = fraction;
              this.#hooks.change();
            },
          });
          item.imageId = image.id;
          action = 'send';
        }
        message = await room.sendUploadedImage(item.imageId, { clientId: item.clientId });
      }
      this.confirm(message);
    } catch (cause) {
      if (!this.items.includes(item)) return; // discarded meanwhile
      const error = cause instanceof ChatError ? cause : new ChatError(ErrorCode.INTERNAL, String(cause), { cause });
      item.status = 'failed';
      item.error = error;
      item.progress = 0;
      this.#hooks.change();
      this.#hooks.error(error, action);
    }
  }
}
