import { ChatError } from './errors.js';
import { timeOrderedId } from './ids.js';
import type { OutboxEntry } from './outbox.js';
import { ErrorCode, type ChatMessage, type ImageInfo } from './protocol.js';
import { RETRY_DELAYS_MS, type Sender, type SendOptions } from './sender.js';
import type { UploadOptions, UploadSource } from './upload.js';

/**
 * Tries of one upload that fail in a way that may pass (network, timeout, 5xx) before it is shown
 * failed for the visitor to retry: with the sends' backoff (0.5, 1, 2, 5 s between), about 9 s of waiting.
 */
export const UPLOAD_MAX_ATTEMPTS = 5;

/** Where a send is: its image uploading, waiting in the outbox for the server, or failed for good. */
export type SendStatus = 'uploading' | 'sending' | 'failed';

/** One of this member's sends on its way to the room, as a UI shows it: see {@link Room.sends}. */
export interface PendingSend {
  /** The message's client id: the server stores it once, so a retry cannot duplicate it. */
  readonly clientId: string;
  readonly kind: 'text' | 'image';
  readonly status: SendStatus;
  /** How much of the image is uploaded, 0..1 (1 once uploaded, and for texts). */
  readonly progress: number;
  readonly text?: string;
  /** The id of the message it replies to. */
  readonly replyTo?: string;
  /** The uploaded image's id, once uploaded. */
  readonly imageId?: string;
  /** The image as picked (a File or Blob), for a local preview; absent for bytes and for sends restored after a page reload. */
  readonly file?: Blob;
  /** Why it failed (`failed`), or the failure an upload is being retried after. */
  readonly error?: ChatError;
  /** When it was made, ISO 8601. */
  readonly queuedAt: string;
}

/** What PendingSends needs from its room. */
export interface PendingSendsRoom {
  readonly sender: Sender;
  upload(source: UploadSource, options: UploadOptions): Promise<ImageInfo>;
  /** The list changed: the room announces it. */
  changed(): void;
}

type Local = {
  -readonly [K in keyof PendingSend]: PendingSend[K];
} & { source?: UploadSource; abort?: AbortController; onProgress?: ((fraction: number) => void) | undefined; timeoutMs?: number | undefined };

const toChatError = (cause: unknown) => (cause instanceof ChatError ? cause : new ChatError(ErrorCode.INTERNAL, String(cause), { cause }));

/**
 * A room's sends as a UI lists them, from the moment they are made until stored or discarded: the
 * outbox's entries (sending), images still uploading, and sends failed for good, which stay until
 * retried or discarded. The outbox keeps what goes to the server (and survives reloads); this keeps
 * what only this page has: image bytes, upload progress, failures.
 */
export class PendingSends {
  readonly #room: PendingSendsRoom;
  /** Uploads, and failed sends; an image keeps its record (its file) until stored. */
  readonly #local = new Map<string, Local>();

  constructor(room: PendingSendsRoom) {
    this.#room = room;
  }

  /** Every send on its way, in the order made. */
  get list(): PendingSend[] {
    const list: PendingSend[] = [];
    const queued = new Set<string>();
    for (const entry of this.#room.sender.pending) {
      queued.add(entry.clientId);
      const local = this.#local.get(entry.clientId);
      list.push({ ...fromEntry(entry), ...(local?.file ? { file: local.file } : {}), ...(local ? { queuedAt: local.queuedAt } : {}) });
    }
    // An image whose send just left the outbox (stored) is no longer listed, though its record
    // lives until the send's promise settles.
    for (const local of this.#local.values()) if (!queued.has(local.clientId) && local.status !== 'sending') list.push(view(local));
    return list.sort((a, b) => (a.queuedAt < b.queuedAt ? -1 : a.queuedAt > b.queuedAt ? 1 : 0));
  }

  /** Uploads an image, then sends it; listed from now on. */
  image(source: UploadSource, options: SendOptions & UploadOptions): Promise<ChatMessage> {
    const clientId = options.clientId ?? timeOrderedId();
    if (this.#local.has(clientId)) return Promise.reject(new ChatError(ErrorCode.INVALID_PAYLOAD, 'A send with that client id is on its way'));
    const local: Local = {
      clientId,
      kind: 'image',
      status: 'uploading',
      progress: 0,
      source,
      ...(source instanceof Blob ? { file: source } : {}),
      queuedAt: new Date().toISOString(),
      onProgress: options.onProgress,
      timeoutMs: options.timeoutMs,
      ...(options.replyTo === undefined ? {} : { replyTo: options.replyTo }),
    };
    options.signal?.addEventListener('abort', () => this.discard(clientId), { once: true });
    this.#local.set(clientId, local);
    this.#room.changed();
    return this.#deliver(local);
  }

  /** The sender gave up on an entry: it stays listed as failed. */
  failed(entry: OutboxEntry, error: ChatError): void {
    const local = this.#local.get(entry.clientId) ?? ({ ...fromEntry(entry) } as Local);
    local.status = 'failed';
    local.error = error;
    this.#local.set(entry.clientId, local);
    this.#room.changed();
  }

  /** Sends a failed send again, with its client id; rejects with NOT_FOUND if no send failed with it. */
  retry(clientId: string): Promise<ChatMessage> {
    const local = this.#local.get(clientId);
    if (local?.status !== 'failed') return Promise.reject(new ChatError(ErrorCode.NOT_FOUND, 'No failed send has that client id'));
    delete local.error;
    if (local.kind === 'image') {
      if (local.imageId === undefined) {
        local.status = 'uploading';
        local.progress = 0;
        this.#room.changed();
      }
      return this.#deliver(local);
    }
    this.#local.delete(clientId);
    this.#room.changed();
    return this.#room.sender.enqueue({ text: local.text ?? '' }, { clientId, ...(local.replyTo === undefined ? {} : { replyTo: local.replyTo }) });
  }

  /**
   * Drops a failed send, or cancels an upload; false for a send already with the server (it may
   * be stored any moment, so it cannot be taken back).
   */
  discard(clientId: string): boolean {
    const local = this.#local.get(clientId);
    if (!local || local.status === 'sending') return false;
    this.#local.delete(clientId);
    local.abort?.abort();
    this.#room.changed();
    return true;
  }

  /** The room is closed: uploads are cancelled and the records dropped. */
  close(): void {
    for (const local of this.#local.values()) local.abort?.abort();
    this.#local.clear();
  }

  async #deliver(local: Local): Promise<ChatMessage> {
    try {
      if (local.imageId === undefined) local.imageId = (await this.#upload(local)).id;
      // Announced by the outbox taking it (listed while the outbox has it), so never shown gone between.
      local.status = 'sending';
      local.progress = 1;
      delete local.error;
      const message = await this.#room.sender.enqueue(
        { imageId: local.imageId },
        { clientId: local.clientId, ...(local.replyTo === undefined ? {} : { replyTo: local.replyTo }) },
      );
      if (this.#local.get(local.clientId) === local) this.#local.delete(local.clientId);
      return message;
    } catch (cause) {
      const error = toChatError(cause);
      // Unless discarded meanwhile (or the room closed), it stays listed as failed.
      if (this.#local.get(local.clientId) === local && local.status !== 'failed') {
        local.status = 'failed';
        local.error = error;
        this.#room.changed();
      }
      throw error;
    }
  }

  /** Uploads with retries for failures that may pass; the record shows the last one meanwhile. */
  async #upload(local: Local): Promise<ImageInfo> {
    for (let attempt = 1; ; attempt++) {
      const abort = new AbortController();
      local.abort = abort;
      try {
        return await this.#room.upload(local.source!, {
          signal: abort.signal,
          onProgress: (fraction) => {
            local.progress = fraction;
            local.onProgress?.(fraction);
            this.#room.changed();
          },
          ...(local.timeoutMs === undefined ? {} : { timeoutMs: local.timeoutMs }),
        });
      } catch (cause) {
        const error = toChatError(cause);
        if (abort.signal.aborted || !error.retryable || attempt >= UPLOAD_MAX_ATTEMPTS) throw error;
        local.error = error;
        local.progress = 0;
        this.#room.changed();
        const delay = error.retryAfterMs ?? RETRY_DELAYS_MS[Math.min(attempt - 1, RETRY_DELAYS_MS.length - 1)]!;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          abort.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
        if (abort.signal.aborted) throw new ChatError(ErrorCode.DISCONNECTED, 'The upload was cancelled');
      }
    }
  }
}

function fromEntry(entry: OutboxEntry): PendingSend {
  const { clientId, text, imageId, replyTo, queuedAt } = entry;
  return {
    clientId,
    kind: imageId === undefined ? 'text' : 'image',
    status: 'sending',
    progress: 1,
    queuedAt,
    ...(text === undefined ? {} : { text }),
    ...(imageId === undefined ? {} : { imageId }),
    ...(replyTo === undefined ? {} : { replyTo }),
  };
}

/** A record as callers see it: a copy, without the page's internals. */
function view(local: Local): PendingSend {
  const { source: _source, abort: _abort, onProgress: _onProgress, timeoutMs: _timeoutMs, ...send } = local;
  return send;
}
