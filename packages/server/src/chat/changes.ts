import { ErrorCode, type DeleteEntry, type EditEntry, type ReactionEntry } from '@roomchat/protocol';
import type { ChatServerConfig } from '../config.js';
import type { Database } from '../db.js';
import { ChatError } from '../errors.js';
import type { Messages, NewMessage } from '../messages.js';
import type { ModerationGate } from '../moderation/gate.js';
import type { Presence } from '../presence.js';
import type { RateLimits } from '../rate-limits.js';
import type { RoomRecord } from '../rooms.js';
import { findMentions } from './mentions.js';
import { memberOf, spendEntry, type Actor, type IdentifiedAuthor, type Queued } from './actor.js';
import type { Audit } from './audit.js';
import type { RoomLog } from './room-log.js';
import { RANK } from './room-rules.js';
import { messageTarget } from './targets.js';

/** A change a member asks for: each appended to the room's log as an entry of its own. */
export type ChangeRequest =
  | { kind: 'edit'; id: string; text: string }
  | { kind: 'delete'; id: string }
  | { kind: 'reaction'; id: string; emoji: string; on: boolean };
/** The log entry a change request becomes. */
export type EntryOf<R extends ChangeRequest> = R extends { kind: 'edit' } ? EditEntry : R extends { kind: 'delete' } ? DeleteEntry : ReactionEntry;

/** A change checked by `Changes.check`, ready to append. */
export type ChangeMessage = NewMessage & { kind: 'edit' | 'delete' | 'reaction'; targetId: number; byModerator?: boolean };

interface Deps {
  db: Database;
  config: Pick<ChatServerConfig, 'editWindowMs' | 'reactionsPerMessage'>;
  messages: Messages;
  rateLimits: RateLimits;
  log: RoomLog;
  presence: Presence;
  /** The app's filters and pre-publish hook (moderation/gate.ts). */
  gate: ModerationGate;
  /** Where a moderator's delete of another's message is recorded. */
  audit?: Audit | undefined;
}

/**
 * Changing a message of the room: edit or delete one's own (an edit within `editWindowMs`), react
 * to anyone's. Each change is a log entry, stored through the same group commit as messages (so
 * its seq is in commit order); the writer applies it to its target in that transaction.
 */
export class Changes {
  readonly #deps: Deps;

  constructor(deps: Deps) {
    this.#deps = deps;
  }

  /** Changes as `actor`, a member of the room `code` names. Resolves once queued, like sending. */
  async change<R extends ChangeRequest>(actor: Actor, code: string, request: R, reason?: string): Promise<Queued<EntryOf<R>>> {
    const membership = actor.membership(code);
    const member = memberOf(membership);
    await spendEntry(this.#deps.rateLimits, actor);
    const { room } = membership;
    const mayModerate = async () => actor.moderator === true || (actor.role !== undefined && RANK[await actor.role(room)] >= RANK.moderator);
    const entry = await this.check(room, member, request, mayModerate);
    // An edit's text passes the same filters and hook as a new message's; the app's own posts pass none.
    const text = entry.kind === 'edit' && !actor.asApp ? entry.text : undefined;
    const passage =
      text === undefined
        ? undefined
        : await this.#deps.gate.review({
            kind: 'edit',
            room,
            author: membership.member,
            text,
            mentions: async () => (text.includes('@') ? findMentions(text, await this.#deps.presence.list(room)).length : 0),
            messageId: String(entry.targetId),
          });
    try {
      if (passage) entry.text = passage.text;
      const stored = this.#deps.log.append(room, entry, actor.connectionId) as Promise<EntryOf<R>>;
      if (entry.byModerator && this.#deps.audit) {
        const audit = this.#deps.audit;
        const audited = async (e: EntryOf<R>) => {
          await audit.record({ room, actor: member, action: 'delete', target: request.id, reason });
          return e;
        };
        return { stored: stored.then(audited) };
      }
      return { stored };
    } finally {
      passage?.done();
    }
  }

  /**
   * Checks a change and turns it into the log entry to append. Unknown targets, and entries that
   * are not messages (joins, changes), are MESSAGE_NOT_FOUND, as are deleted ones; another's
   * message is FORBIDDEN, but for a delete by a moderator (`mayModerate`, asked only then).
   */
  async check(room: RoomRecord, actor: IdentifiedAuthor, request: ChangeRequest, mayModerate: () => Promise<boolean> = async () => false): Promise<ChangeMessage> {
    const { db, config, messages } = this.#deps;
    const target = await messageTarget(messages, room, request.id);
    if (target.deleted_at !== null && target.deleted_at !== undefined) throw new ChatError(ErrorCode.MESSAGE_NOT_FOUND, 'That message was deleted');
    const entry = { author: actor.name, authorId: actor.id, targetId: Number(target.id) };
    if (request.kind === 'reaction') {
      if (request.on) {
        const emojis = await db('reactions').where({ message_id: target.id }).distinct('emoji');
        if (!emojis.some((r) => r.emoji === request.emoji) && emojis.length >= config.reactionsPerMessage) {
          throw new ChatError(ErrorCode.TOO_MANY_REACTIONS, `A message can carry at most ${config.reactionsPerMessage} different reactions`);
        }
      }
      return { kind: 'reaction', ...entry, data: { emoji: request.emoji, on: request.on } };
    }
    const own = target.author_id !== null && target.author_id !== undefined && target.author_id === actor.id;
    if (request.kind === 'delete' && !own && (await mayModerate())) return { kind: 'delete', ...entry, byModerator: true };
    if (!own) throw new ChatError(ErrorCode.FORBIDDEN, 'Only its author can change a message');
    if (request.kind === 'delete') return { kind: 'delete', ...entry };
    if (target.kind !== 'text') throw new ChatError(ErrorCode.FORBIDDEN, 'Only text messages can be edited');
    if (target.hidden_at !== null && target.hidden_at !== undefined) throw new ChatError(ErrorCode.FORBIDDEN, 'A reported message cannot be edited until a moderator decides');
    if (Date.now() - Number(target.created_at) > config.editWindowMs) {
      const ms = config.editWindowMs;
      const window = ms >= 60_000 ? `${Math.round(ms / 60_000)} minutes` : `${Math.round(ms / 1000)} seconds`;
      throw new ChatError(ErrorCode.EDIT_WINDOW_CLOSED, `Messages can be edited for ${window} after sending`);
    }
    return { kind: 'edit', ...entry, text: request.text };
  }
}
