import type { Logger } from 'pino';
import type { z } from 'zod';
import { ErrorCode, type Ack, type ClientToServerEvents } from '@roomchat/protocol';
import { ChatError, toChatError, toErrorPayload } from '../errors.js';
import { parsePayload } from '../schemas.js';
import type { ChatSocket } from './socket-types.js';

type AckData<E extends keyof ClientToServerEvents> = Omit<
  Extract<Parameters<Parameters<ClientToServerEvents[E]>[1]>[0], { ok: true }>,
  'ok'
>;

const KNOWN_EVENTS = new Set<string>();

/**
 * Registers a handler that validates its payload with `schema`, and always answers the ack: with
 * the handler's result, or with `{ ok: false, error }` for a bad payload or a failure. Nothing
 * a client sends can throw out of here.
 */
export function handle<E extends keyof ClientToServerEvents, S extends z.ZodType>(
  socket: ChatSocket,
  event: E,
  schema: S,
  handler: (payload: z.output<S>) => Promise<AckData<E>>,
  log: Logger,
): void {
  KNOWN_EVENTS.add(event);
  const listener = async (...args: unknown[]) => {
    const ack = typeof args.at(-1) === 'function' ? (args.pop() as (res: Ack) => void) : undefined;
    if (!ack) {
      // Every event of the protocol has an ack; without one there is nobody to answer.
      log.debug({ event }, 'event without ack ignored');
      return;
    }
    try {
      const data = await handler(parsePayload(schema, args[0]));
      ack({ ok: true, ...data });
    } catch (error) {
      ack({ ok: false, error: toErrorPayload(toChatError(error, log)) });
    }
  };
  (socket as unknown as { on(event: string, listener: (...args: unknown[]) => void): void }).on(event, listener);
}

/** Answers events outside the protocol with UNKNOWN_EVENT, when they carry an ack. */
export function answerUnknownEvents(socket: ChatSocket): void {
  socket.onAny((event: string, ...args: unknown[]) => {
    const ack = args.at(-1);
    if (KNOWN_EVENTS.has(event) || typeof ack !== 'function') return;
    const error = new ChatError(ErrorCode.UNKNOWN_EVENT, `Unknown event: ${String(event).slice(0, 64)}`);
    (ack as (res: Ack) => void)({ ok: false, error: toErrorPayload(error) });
  });
}
