import type { Logger } from 'pino';
import { ErrorCode } from '@roomchat/protocol';
import type { Apps } from '../auth/apps.js';
import type { Author } from '../chat/actor.js';
import type { ChatServerConfig } from '../config.js';
import { ChatError } from '../errors.js';
import type { RoomRecord } from '../rooms.js';
import { applyFilters, blocked } from './filters.js';
import { HookCaller, HookFailure, type HookAnswer, type HookRequest } from './hook.js';
import { moderates } from './settings.js';

/** A text to publish, as the gate sees it. */
export interface Review {
  kind: 'message' | 'edit';
  room: RoomRecord;
  author: Author;
  text: string;
  /** Members the text mentions (counted against the app's cap). */
  mentions: () => Promise<number>;
  /** With an edit: the id of the edited message. */
  messageId?: string;
}

/** What passed the gate: the text to store, and `done`, to call once the entry is queued for storing. */
export interface Passage {
  text: string;
  done(): void;
}

/** Control characters but tab and newlines (as the text schema refuses them, and the C1 controls too). */
const FORBIDDEN_IN_TEXT = /(?![\t\n\r])\p{Cc}/u;
const NOTHING = () => undefined;

type GateConfig = Pick<ChatServerConfig, 'messageMaxLength' | 'hookConcurrency' | 'hookQueueMax' | 'hookResponseMaxBytes' | 'hookTimeoutMaxMs'>;

/**
 * Every text a member publishes (a message or an edit) passes here before it is stored: the app's
 * filters, then its pre-publish hook (docs/moderation.md). An app with neither costs one cached
 * lookup. With a hook, the texts of one room are released in the order they arrived, whatever
 * order their hook calls finish in (a per-room queue on this node).
 */
export class ModerationGate {
  readonly #apps: Apps;
  readonly #config: GateConfig;
  readonly #log: Logger;
  readonly #hooks: HookCaller;
  /** Per room with texts at the hook: the promise that the last one arrived is through. */
  readonly #tails = new Map<number, Promise<void>>();

  constructor(apps: Apps, config: GateConfig, log: Logger) {
    this.#apps = apps;
    this.#config = config;
    this.#log = log;
    this.#hooks = new HookCaller(config, log);
  }

  /** The text to store, or MESSAGE_BLOCKED (a filter or the hook refused it), or UNAVAILABLE (a failed hook that fails closed). */
  async review(review: Review): Promise<Passage> {
    const app = await this.#apps.find(review.room.appId);
    if (!app || !moderates(app.settings)) return { text: review.text, done: NOTHING };
    const { settings } = app;
    const mentions = settings.mentionsMax === null ? 0 : await review.mentions();
    const filtered = applyFilters(settings, review.text, { verified: review.author.verified === true }, mentions);
    if (settings.hookUrl === null) return { text: filtered, done: NOTHING };

    const { room, author } = review;
    const request: HookRequest = {
      type: review.kind,
      app: app.id,
      room: { code: room.code, ...(room.key === undefined ? {} : { key: room.key }) },
      author: { ...(author.id === undefined ? {} : { id: author.id }), name: author.name, verified: author.verified === true },
      text: filtered,
      ...(review.messageId === undefined ? {} : { messageId: review.messageId }),
    };
    const turn = this.#enter(room.id);
    try {
      const answer = await this.#hooks.call(app.id, settings, request).then(
        (a) => this.#checked(a),
        (err: unknown) => {
          if (!(err instanceof HookFailure)) throw err;
          return err;
        },
      );
      // A refusal stores nothing, so it is answered at once; a text to store waits for its turn.
      if (answer instanceof HookFailure) {
        this.#log.warn({ app: app.id, room: room.code, reason: answer.message, failMode: settings.hookFailMode }, 'pre-publish hook failed');
        if (settings.hookFailMode === 'closed') {
          throw new ChatError(ErrorCode.UNAVAILABLE, 'This chat checks messages before publishing them, and the check did not answer: the message was not sent; try again');
        }
      } else if (answer.action === 'deny') {
        throw blocked(answer.reason || 'This chat did not accept the message');
      }
      await turn.ready;
      return { text: !(answer instanceof HookFailure) && answer.action === 'replace' ? answer.text : filtered, done: turn.done };
    } catch (err) {
      turn.done();
      throw err;
    }
  }

  /** A replacement must be a text the schema would take from a member; otherwise the answer counts as a failure. */
  #checked(answer: HookAnswer): HookAnswer | HookFailure {
    if (answer.action !== 'replace') return answer;
    const text = answer.text;
    if ([...text].length > this.#config.messageMaxLength) return new HookFailure(`the hook's replacement is over messageMaxLength (${this.#config.messageMaxLength})`);
    if (!text.trim()) return new HookFailure("the hook's replacement is empty");
    if (FORBIDDEN_IN_TEXT.test(text)) return new HookFailure("the hook's replacement contains control characters");
    return { action: 'replace', text: (text as string & { toWellFormed(): string }).toWellFormed() };
  }

  /** A place in the room's queue: `ready` once every text that arrived before is through, `done` to let the next one go. */
  #enter(roomId: number): { ready: Promise<void>; done: () => void } {
    const ready = this.#tails.get(roomId) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const tail = ready.then(() => mine);
    this.#tails.set(roomId, tail);
    void tail.then(() => {
      if (this.#tails.get(roomId) === tail) this.#tails.delete(roomId);
    });
    return { ready, done };
  }
}
