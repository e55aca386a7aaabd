import { ErrorCode, type ChatMessage, type ReportSummary } from '@roomchat/protocol';
import type { Database } from '../db.js';
import { ChatError } from '../errors.js';
import type { Messages } from '../messages.js';
import type { RoomRecord } from '../rooms.js';
import { selectMessages, toChatMessage } from '../storage/rows.js';
import type { IdentifiedAuthor } from './actor.js';
import type { RoomEvents } from './events.js';
import type { Moderation, Moderator } from './moderation.js';
import { requireRole } from './moderation.js';
import { messageTarget } from './targets.js';

interface Deps {
  db: Database;
  messages: Messages;
  moderation: Moderation;
  /** Where a new report is published (webhooks' `report.created`). */
  events: RoomEvents;
  /** Deletes a message as a moderator (chat/changes.ts) and audits it, for a `remove` decision. */
  deleteAs: (mod: Moderator, id: string, reason: string) => Promise<unknown>;
}

/** The name moderation entries made by reports go under: no reporter is named to the room. */
const REPORTS_AUTHOR = { name: 'Reports' };

/**
 * Members' reports on messages. Once `reportsToHide` members (an app setting) have reported a
 * message, it is hidden from members until a moderator decides: `keep` shows it again (and makes
 * new reports count from zero), `remove` deletes it. Hiding and showing are log entries, so every
 * member's client converges on them.
 */
export class Reports {
  readonly #deps: Deps;

  constructor(deps: Deps) {
    this.#deps = deps;
  }

  /** Reports a message for `reporter`; a member reports a message once. Answers whether it is hidden now. */
  async report(room: RoomRecord, reporter: IdentifiedAuthor, id: string, reason: string, reportsToHide: number): Promise<{ hidden: boolean }> {
    const { db, messages } = this.#deps;
    const target = await messageTarget(messages, room, id);
    if (target.deleted_at !== null && target.deleted_at !== undefined) throw new ChatError(ErrorCode.MESSAGE_NOT_FOUND, 'That message was deleted');
    if (target.author_id === reporter.id) throw new ChatError(ErrorCode.FORBIDDEN, 'You cannot report your own message');
    const createdAt = Date.now();
    const inserted = await db('message_reports')
      .insert({ room_id: room.id, message_id: target.id, reporter_id: reporter.id, reason, created_at: createdAt })
      .onConflict(['message_id', 'reporter_id'])
      .ignore()
      .returning('message_id');
    const hidden = await this.#hideIfReported(room, target, reportsToHide);
    // Only a new report is news: a repeat published again would reach a webhook twice once the
    // first delivery has left the queue (its dedupe holds only while both are queued).
    if (inserted.length) {
      this.#deps.events.publish({ type: 'report-created', room, report: { messageId: String(target.id), reporterId: reporter.id, reason, hidden, createdAt: new Date(createdAt).toISOString() } });
    }
    return { hidden };
  }

  async #hideIfReported(room: RoomRecord, target: { id: number | string; hidden_at?: unknown }, reportsToHide: number): Promise<boolean> {
    const { db } = this.#deps;
    if (target.hidden_at !== null && target.hidden_at !== undefined) return true;
    const [counted] = await db('message_reports').where({ message_id: target.id }).whereNull('decided_at').count<{ n: number | string }[]>({ n: '*' });
    const n = Number(counted?.n ?? 0);
    if (n < reportsToHide) return false;
    // One of several reports arriving at once hides it: the update that finds it shown does.
    const hid = await db('messages').where({ id: target.id }).whereNull('hidden_at').update({ hidden_at: Date.now() });
    if (hid) await this.#deps.moderation.record({ room, actor: REPORTS_AUTHOR }, { action: 'hide', target: String(target.id), reason: `${n} reports` });
    return true;
  }

  /** The room's reported messages awaiting a decision, oldest report first (moderators only). */
  async queue(room: RoomRecord, limit: number): Promise<ReportSummary[]> {
    const rows = await this.#deps.db('message_reports').where({ room_id: room.id }).whereNull('decided_at').orderBy('created_at').limit(limit * 10);
    const byMessage = new Map<string, ReportSummary['reports']>();
    for (const r of rows) {
      const list = byMessage.get(String(r.message_id)) ?? [];
      list.push({ reporterId: r.reporter_id, reason: r.reason, createdAt: new Date(Number(r.created_at)).toISOString() });
      byMessage.set(String(r.message_id), list);
    }
    const ids = [...byMessage.keys()].slice(0, limit);
    if (!ids.length) return [];
    const messages = await selectMessages(this.#deps.db).where('messages.room_id', room.id).whereIn('messages.id', ids).whereNull('messages.deleted_at');
    return messages.map((row) => {
      const message: ChatMessage = toChatMessage(room, row);
      return { message, reports: byMessage.get(String(row.id))!, hidden: message.hidden === true };
    });
  }

  /** A moderator's decision on a reported message: its log entry (`unhide`, or the `delete`). */
  async decide(mod: Moderator, id: string, decision: 'keep' | 'remove'): Promise<unknown> {
    requireRole(mod.role, 'moderator');
    const { db, messages } = this.#deps;
    const target = await messageTarget(messages, mod.room, id);
    const decided = await db('message_reports').where({ message_id: target.id }).whereNull('decided_at').update({ decided_at: Date.now() });
    const hidden = target.hidden_at !== null && target.hidden_at !== undefined;
    if (!decided && !hidden) throw new ChatError(ErrorCode.MESSAGE_NOT_FOUND, 'No report awaits a decision on that message');
    // The delete entry is the decision (its audit row says so): a tombstone is neither hidden nor shown.
    if (decision === 'remove') return this.#deps.deleteAs(mod, id, 'reported');
    await db('messages').where({ id: target.id }).update({ hidden_at: null });
    const row = await selectMessages(db).where('messages.id', target.id).first();
    return this.#deps.moderation.record(mod, { action: 'unhide', target: id, ...(row ? { message: toChatMessage(mod.room, row) } : {}) });
  }
}
