import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ChatServerConfig } from '../config.js';
import { SIGNATURE_HEADER, sign } from '../signing.js';
import type { ModerationSettings } from './settings.js';

/** What the server POSTs to an app's pre-publish hook (docs/moderation.md#the-pre-publish-hook). */
export interface HookRequest {
  type: 'message' | 'edit';
  app: string;
  room: { code: string; key?: string };
  author: { id?: string; name: string; verified: boolean };
  text: string;
  /** With `edit`: the id of the message being edited. */
  messageId?: string;
}

/** The hook's answer: the message passes, is refused with a reason, or is stored with another text. */
const hookAnswer = z.discriminatedUnion('action', [
  z.object({ action: z.literal('allow') }),
  z.object({ action: z.literal('deny'), reason: z.string().max(500).optional() }),
  z.object({ action: z.literal('replace'), text: z.string() }),
]);
export type HookAnswer = z.infer<typeof hookAnswer>;

/** Why a hook call failed (logged; the app's fail mode decides what follows). */
export class HookFailure extends Error {
  override readonly name = 'HookFailure';
}

export type HookLimits = Pick<ChatServerConfig, 'hookConcurrency' | 'hookQueueMax' | 'hookResponseMaxBytes' | 'hookTimeoutMaxMs'>;

/** One app's calls: at most `hookConcurrency` in flight, `hookQueueMax` waiting or in flight. */
interface AppLane {
  limit: LimitFunction;
  pending: number;
}

/**
 * Calls apps' pre-publish hooks. Each app has a lane of its own (bounded concurrency and queue),
 * so a slow or dead hook only slows its own app's messages; each call, with its wait for a place
 * in the lane, is bounded by the app's timeout, after which it fails. Runs before an entry is
 * queued for storing, so the group commit never waits on a hook.
 */
export class HookCaller {
  readonly #limits: HookLimits;
  readonly #log: Logger;
  readonly #lanes = new Map<string, AppLane>();

  constructor(limits: HookLimits, log: Logger) {
    this.#limits = limits;
    this.#log = log;
  }

  /** The hook's answer, or a HookFailure (timeout, refused connection, an HTTP error, a garbage answer, a full lane). */
  async call(appId: string, settings: ModerationSettings, request: HookRequest): Promise<HookAnswer> {
    const lane = this.#lane(appId);
    if (lane.pending >= this.#limits.hookQueueMax) throw new HookFailure(`more than ${this.#limits.hookQueueMax} messages wait for the hook (hookQueueMax)`);
    const timeoutMs = Math.min(settings.hookTimeoutMs, this.#limits.hookTimeoutMaxMs);
    // One deadline for the wait and the call: a message never waits longer than the timeout.
    const signal = AbortSignal.timeout(timeoutMs);
    lane.pending++;
    try {
      return await lane.limit(() => {
        if (signal.aborted) throw new HookFailure(`no place in the app's lane within ${timeoutMs} ms`);
        return this.#post(settings, request, signal, timeoutMs);
      });
    } finally {
      lane.pending--;
      if (lane.pending === 0) this.#lanes.delete(appId);
    }
  }

  async #post(settings: ModerationSettings, request: HookRequest, signal: AbortSignal, timeoutMs: number): Promise<HookAnswer> {
    const body = JSON.stringify(request);
    let response: Response;
    try {
      response = await fetch(settings.hookUrl!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(settings.hookSecret ?? '', body, Date.now()) },
        body,
        signal,
        // A redirect could lead the signed body anywhere; the app gives the URL that answers.
        redirect: 'error',
      });
    } catch (err) {
      throw this.#failure(err, signal, timeoutMs);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new HookFailure(`the hook answered HTTP ${response.status}`);
    }
    let text: string;
    try {
      text = await readBounded(response, this.#limits.hookResponseMaxBytes);
    } catch (err) {
      throw this.#failure(err, signal, timeoutMs);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new HookFailure('the hook answered something other than JSON');
    }
    const parsed = hookAnswer.safeParse(json);
    if (!parsed.success) throw new HookFailure(`the hook's answer is not { action: allow | deny | replace }: ${parsed.error.issues[0]?.message ?? ''}`);
    return parsed.data;
  }

  #failure(err: unknown, signal: AbortSignal, timeoutMs: number): HookFailure {
    if (err instanceof HookFailure) return err;
    if (signal.aborted) return new HookFailure(`no answer within ${timeoutMs} ms`);
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    this.#log.debug({ err }, 'hook call failed');
    return new HookFailure(`the hook could not be reached (${cause})`);
  }

  #lane(appId: string): AppLane {
    let lane = this.#lanes.get(appId);
    if (!lane) this.#lanes.set(appId, (lane = { limit: pLimit(this.#limits.hookConcurrency), pending: 0 }));
    return lane;
  }
}

/** The response's body as text, refused past `maxBytes` (a hook cannot make the server buffer without end). */
async function readBounded(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new HookFailure(`the hook's answer is over ${maxBytes} bytes (hookResponseMaxBytes)`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Leaving the loop early cancels the stream, so the rest is never read.
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    if (size > maxBytes) break;
    chunks.push(chunk);
  }
  if (size > maxBytes) throw new HookFailure(`the hook's answer is over ${maxBytes} bytes (hookResponseMaxBytes)`);
  return Buffer.concat(chunks).toString('utf8');
}
