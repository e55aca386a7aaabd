import { ChatError } from './errors.js';
import { timeOrderedId } from './ids.js';
import type { Outbox, OutboxEntry } from './outbox.js';
import { ErrorCode } from './protocol.js';
import type { ChatMessage, ClientToServerEvents, Limits } from './protocol.js';
import { checkSend, wellFormed } from './send-checks.js';

/** Waits between retries of a send the server could not store (UNAVAILABLE, TIMEOUT). */
export const RETRY_DELAYS_MS = [500, 1000, 2000, 5000, 10_000];
/**
 * Connection drops while one entry awaited its answer after which it is failed and dropped: the
 * server closes a connection whose packet is over its limit without answering, and re-sending
 * such an entry after each reconnect would hold every later send of the room behind it for ever.
 */
const MAX_DROPS_PER_SEND = 3;

export interface SendOptions {
  /**
   * The message's client id. Give one to retry a send safely: the server stores a client id once
   * and answers a repeat with the original message. Default: a new `timeOrderedId()`; ids of
   * your own that sort in the order they are made (like it, or a zero-padded counter) store
   * faster than random ones.
   */
  clientId?: string;
  /** The id of a message of the room this one replies to; the stored message quotes it. */
  replyTo?: string;
}

/** What a Sender needs from its room. */
export interface SenderRoom {
  readonly code: string;
  readonly limits: Limits;
  readonly outbox: Outbox;
  /** Joined on the current connection and not left: sends may go out. */
  canSend(): boolean;
  left(): boolean;
  send(payload: Parameters<ClientToServerEvents['message:send']>[0]): Promise<{ message: ChatMessage }>;
  /** The server stored a send: the room folds it in; returns it as the room holds it. */
  stored(message: ChatMessage): ChatMessage;
  /** A send went wrong: a gap seen meanwhile may now be caught up. */
  sendFailed(): void;
  pendingChanged(): void;
  failedForGood(entry: OutboxEntry, error: ChatError): void;
}

type Waiter = { resolve: (m: ChatMessage) => void; reject: (e: ChatError) => void };

/**
 * A room's sends: checked, queued in the outbox, sent one at a time in order, retried until the
 * server stores them (once, by client id) or refuses them for good. The outbox owns what is
 * pending; this owns sending it.
 */
export class Sender {
  readonly #room: SenderRoom;
  #flushing = false;
  /**
   * A send awaits its ack. The server leaves the sender out of the message's broadcast (the ack
   * carries it), so a gap seen meanwhile may be that message: it is caught up only after the ack.
   */
  #awaitingAck = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #retryAttempt = 0;
  /** The callers waiting on each queued client id (a retry by the same id joins the first). */
  #waiters = new Map<string, Waiter[]>();

  constructor(room: SenderRoom) {
    this.#room = room;
  }

  get awaitingAck(): boolean {
    return this.#awaitingAck;
  }

  /** This room's unacknowledged sends, oldest first. */
  get pending(): OutboxEntry[] {
    return this.#room.outbox.entries(this.#room.code);
  }

  enqueue(content: { text: string } | { imageId: string }, options: SendOptions): Promise<ChatMessage> {
    if (this.#room.left()) return Promise.reject(new ChatError(ErrorCode.NOT_A_MEMBER, 'The room was left'));
    const checked = 'text' in content ? { text: wellFormed(String(content.text)) } : content;
    const clientId = options.clientId ?? timeOrderedId();
    const refused = checkSend(checked, clientId, this.#room.limits);
    if (refused) return Promise.reject(refused);
    const entry: OutboxEntry = { roomCode: this.#room.code, clientId, ...checked, ...(options.replyTo === undefined ? {} : { replyTo: options.replyTo }), queuedAt: new Date().toISOString() };
    const result = new Promise<ChatMessage>((resolve, reject) => {
      const waiters = this.#waiters.get(entry.clientId) ?? [];
      waiters.push({ resolve, reject });
      this.#waiters.set(entry.clientId, waiters);
    });
    this.#room.outbox.add(entry);
    this.#room.pendingChanged();
    void this.flush();
    return result;
  }

  /**
   * Sends the outbox one entry at a time, in order, so a sender's messages are stored in the order
   * they were sent even across retries. Stops at a retryable failure and tries again later.
   */
  async flush(): Promise<void> {
    if (this.#flushing || !this.#room.canSend()) return;
    this.#flushing = true;
    try {
      for (let entry = this.pending[0]; entry && this.#room.canSend(); entry = this.pending[0]) {
        const { roomCode: code, clientId, text, imageId, replyTo } = entry;
        // Entries may come from storage, written by another version or page: checked again.
        const refused = checkSend(entry, clientId, this.#room.limits);
        if (refused) {
          this.#fail(entry, refused);
          continue;
        }
        try {
          this.#awaitingAck = true;
          const res = await this.#room
            .send({ code, clientId, ...(imageId === undefined ? { text: text ?? '' } : { imageId }), ...(replyTo === undefined ? {} : { replyTo }) })
            .finally(() => (this.#awaitingAck = false));
          this.#settle(entry);
          this.#retryAttempt = 0;
          // Taken before the message is announced: a listener that closes the room or the client
          // then must not fail a send that is already stored.
          const waiters = this.#waiters.get(clientId) ?? [];
          this.#waiters.delete(clientId);
          const message = this.#room.stored(res.message);
          for (const waiter of waiters) waiter.resolve(message);
        } catch (cause) {
          const error = cause instanceof ChatError ? cause : new ChatError(ErrorCode.INTERNAL, String(cause), { cause });
          this.#room.sendFailed();
          if (error.code === ErrorCode.DISCONNECTED && !this.#room.left()) {
            const drops = (entry.drops ?? 0) + 1;
            if (drops >= MAX_DROPS_PER_SEND) {
              this.#fail(entry, new ChatError(ErrorCode.PAYLOAD_TOO_LARGE, `The connection closed each of the ${drops} times this message was sent; it was dropped`, { cause: error }));
              continue;
            }
            this.#room.outbox.update({ ...entry, drops });
          }
          if (error.retryable) {
            this.#scheduleRetry(error);
            return;
          }
          this.#fail(entry, error);
        }
      }
    } finally {
      this.#flushing = false;
    }
  }

  /** Drops the room's pending sends (it was left). */
  discardPending(): void {
    for (const entry of this.pending) this.#room.outbox.remove(entry.roomCode, entry.clientId);
  }

  /** The room is closed: no more retries; whoever waits is told. The outbox keeps the entries. */
  close(error: ChatError): void {
    clearTimeout(this.#retryTimer);
    for (const waiters of this.#waiters.values()) for (const waiter of waiters) waiter.reject(error);
    this.#waiters.clear();
  }

  /** Drops an entry that will never be stored, rejecting its callers. */
  #fail(entry: OutboxEntry, error: ChatError): void {
    this.#settle(entry);
    this.#settleWaiters(entry.clientId, (w) => w.reject(error));
    this.#room.failedForGood(entry, error);
  }

  #settle(entry: OutboxEntry): void {
    this.#room.outbox.remove(entry.roomCode, entry.clientId);
    this.#room.pendingChanged();
  }

  #settleWaiters(clientId: string, settle: (waiter: Waiter) => void): void {
    for (const waiter of this.#waiters.get(clientId) ?? []) settle(waiter);
    this.#waiters.delete(clientId);
  }

  #scheduleRetry(error: ChatError): void {
    // A lost connection is retried by the re-join after reconnecting; the rest on a timer.
    if (error.code === ErrorCode.DISCONNECTED) return;
    const delay = error.retryAfterMs ?? RETRY_DELAYS_MS[Math.min(this.#retryAttempt++, RETRY_DELAYS_MS.length - 1)]!;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => void this.flush(), delay);
  }
}
