import { isChange, isModeration, quoteExcerpt, type ChangeEntry, type ChatMessage, type LogEntry, type ModerationEntry, type Reaction } from './protocol.js';

/** What folding entries did: messages that came in (in order), and messages already held that changed. */
export interface Folded {
  added: ChatMessage[];
  updated: ChatMessage[];
  /** Moderation entries released, in order: the room applies them to its members and state. */
  moderation: ModerationEntry[];
}

/** Change entries kept for messages not loaded yet, so that an older page loaded later gets them too. */
const MAX_ORPHANS = 2000;

/**
 * A room's event log folded into its messages, as this client holds them: sorted by `seq`,
 * without duplicates, and released strictly in sequence. An entry that arrives beyond a gap is held
 * back until the gap is filled, so listeners see every message once and in the room's order.
 *
 * Entries that change a message (edit, delete, reaction) are folded into it rather than listed.
 * The rule that makes the fold converge whatever mix of snapshots ("as it is now", with a
 * `version`), live entries, duplicates and catch-up pages a client saw: a change applies to its
 * target only if its seq is greater than the target's `version`, which then becomes that seq.
 * Changes to a deleted message are ignored (the server keeps nothing but the tombstone).
 */
export class Timeline {
  #messages: ChatMessage[] = [];
  /** Everything from the oldest held entry up to this seq is present. */
  #newest = 0;
  /** The oldest entry's seq (a change entry counts: older pages are asked for before it). */
  #oldest: number | undefined;
  #held = new Map<number, LogEntry>();
  #selfId: string | undefined;
  #orphans = new Map<string, ChangeEntry[]>();
  #orphanCount = 0;
  /** Each held message's seq, by id, for finding a change's target. */
  #seqOfId = new Map<string, number>();

  /** `selfId`: the reading member's id, which decides `mine` on reactions. */
  constructor(initial: readonly LogEntry[], selfId?: string) {
    this.#selfId = selfId;
    const sorted = [...initial].sort((a, b) => a.seq - b.seq);
    for (const entry of sorted) {
      if (isChange(entry)) this.#apply(entry, []);
      // A snapshot's messages are as they are now (hidden or not), and the room's state is in it too.
      else if (isModeration(entry)) continue;
      else if (this.#indexOf(entry.seq) < 0) this.#push(entry);
    }
    this.#newest = sorted.at(-1)?.seq ?? 0;
    this.#oldest = sorted[0]?.seq;
  }

  /** The messages (text, image, join, leave), oldest first; changes are folded into them. */
  get messages(): readonly ChatMessage[] {
    return this.#messages;
  }
  /** The highest seq up to which nothing is missing. */
  get newestSeq(): number {
    return this.#newest;
  }
  /** The oldest seq held: older history is paged from before it. */
  get oldestSeq(): number | undefined {
    return this.#oldest;
  }
  /** Whether entries beyond a gap are waiting for it to be filled. */
  get hasGap(): boolean {
    return this.#held.size > 0;
  }

  /**
   * Takes entries at or after the newest end (live, acked, or caught up) and returns the messages
   * that became deliverable, in order.
   */
  accept(incoming: readonly LogEntry[]): ChatMessage[] {
    return this.fold(incoming).added;
  }

  /**
   * As `accept`, also telling which held messages the released change entries updated.
   * `historyStart`: the seq the server's log now starts at (a catch-up page says so when retention
   * deleted what lay between this timeline's newest entry and it): that stretch is no gap to wait for.
   */
  fold(incoming: readonly LogEntry[], historyStart?: number): Folded {
    if (historyStart !== undefined && this.#newest > 0 && this.#newest < historyStart - 1) this.#newest = historyStart - 1;
    let snapshots: ChatMessage[] | undefined;
    for (const e of incoming) {
      if (e.seq > this.#newest) this.#held.set(e.seq, e);
      // A newer picture of a message held already (a page "as it is now"): taken if it is ahead.
      else if (!isChange(e) && !isModeration(e)) (snapshots ??= []).push(e);
    }
    const added: ChatMessage[] = [];
    const updated = new Map<string, ChatMessage>();
    const moderation: ModerationEntry[] = [];
    for (const fresh of snapshots ?? []) {
      const i = this.#indexOf(fresh.seq);
      const held = i < 0 ? undefined : this.#messages[i]!;
      if (held && version(fresh) > version(held)) {
        this.#messages[i] = fresh;
        updated.set(fresh.id, fresh);
      }
    }
    // An empty timeline adopts whatever comes first as its start.
    if (this.#newest === 0 && this.#held.size) this.#newest = Math.min(...this.#held.keys()) - 1;
    for (let next = this.#held.get(this.#newest + 1); next; next = this.#held.get(this.#newest + 1)) {
      this.#held.delete(next.seq);
      this.#newest = next.seq;
      this.#oldest ??= next.seq;
      if (isChange(next)) {
        const changed: ChatMessage[] = [];
        this.#apply(next, changed);
        for (const m of changed) updated.set(m.id, m);
      } else if (isModeration(next)) {
        moderation.push(next);
        const changed = this.#moderate(next);
        if (changed) updated.set(changed.id, changed);
      } else {
        this.#push(next);
        added.push(next);
      }
    }
    if (updated.size === 0) return { added, updated: [], moderation };
    // A message added and changed in the same call is reported once, as added, in its final form.
    const addedIds = new Set(added.map((m) => m.id));
    for (let k = 0; k < added.length; k++) {
      const now = this.#messages[this.#indexOf(added[k]!.seq)];
      if (now) added[k] = now;
    }
    return { added, updated: [...updated.values()].filter((m) => !addedIds.has(m.id)), moderation };
  }

  /** Adds an older page in front; returns the messages that were new. */
  prepend(older: readonly LogEntry[]): ChatMessage[] {
    const oldest = this.#oldest ?? Infinity;
    const entries = older.filter((m) => m.seq < oldest).sort((a, b) => a.seq - b.seq);
    const added: ChatMessage[] = [];
    for (const entry of entries) {
      if (isChange(entry) || isModeration(entry)) continue; // the page's messages are "as they are now": it is in them
      let message = entry;
      // Changes that came in for it while it was not loaded, after the page was read.
      for (const change of this.#orphans.get(entry.id) ?? []) message = this.#changed(message, change) ?? message;
      added.push(message);
    }
    this.#messages = [...added, ...this.#messages];
    for (const m of added) this.#seqOfId.set(m.id, m.seq);
    if (entries.length) this.#oldest = entries[0]!.seq;
    if (added.length) {
      // Replies in the page quote their targets as they were when the page was read.
      for (const [target, changes] of this.#orphans) for (const change of changes) this.#requote(target, change, added, []);
    }
    return added;
  }

  /**
   * Folds a moderation entry into the message it hides or shows again, if held; returns it changed.
   * Hiding is no edit: it leaves `version` alone, and the log's order decides between hide and unhide.
   */
  #moderate(entry: ModerationEntry): ChatMessage | undefined {
    if ((entry.action !== 'hide' && entry.action !== 'unhide') || entry.target === undefined) return undefined;
    const i = this.#indexOfId(entry.target);
    if (i < 0) return undefined;
    const held = this.#messages[i]!;
    if (held.deletedAt !== undefined) return undefined;
    let next: ChatMessage;
    if (entry.action === 'hide') next = { ...held, hidden: true };
    else {
      // Members were given the message without its text while it was hidden: the entry brings it back.
      next = entry.message && version(entry.message) >= version(held) ? { ...entry.message } : { ...held };
      delete next.hidden;
    }
    this.#messages[i] = next;
    return next;
  }

  /** Folds one change entry; pushes the messages it changed. */
  #apply(change: ChangeEntry, changed: ChatMessage[]): void {
    const i = this.#indexOfId(change.target);
    if (i < 0) {
      this.#keepOrphan(change);
    } else {
      const next = this.#changed(this.#messages[i]!, change);
      if (next) {
        this.#messages[i] = next;
        changed.push(next);
      }
    }
    if (change.kind !== 'reaction') this.#requote(change.target, change, this.#messages, changed);
  }

  /** The target after the change, or undefined when the change is not newer than it (or it is deleted). */
  #changed(target: ChatMessage, change: ChangeEntry): ChatMessage | undefined {
    if (change.seq <= version(target) || target.deletedAt !== undefined) return undefined;
    const next: ChatMessage = { ...target, version: change.seq };
    if (change.kind === 'edit') {
      if (change.text === undefined) delete next.text;
      else next.text = change.text;
      next.editedAt = change.createdAt;
    } else if (change.kind === 'delete') {
      delete next.text;
      delete next.image;
      delete next.reactions;
      delete next.replyTo;
      delete next.mentions;
      next.deletedAt = change.createdAt;
    } else {
      const reactions: Reaction[] = [...(target.reactions ?? [])];
      const at = reactions.findIndex((r) => r.emoji === change.emoji);
      const mine = change.authorId !== undefined && change.authorId === this.#selfId ? change.on : (reactions[at]?.mine ?? false);
      if (change.count <= 0) {
        if (at >= 0) reactions.splice(at, 1);
      } else if (at >= 0) reactions[at] = { emoji: change.emoji, count: change.count, mine };
      else reactions.push({ emoji: change.emoji, count: change.count, mine });
      reactions.sort(byEmoji);
      if (reactions.length) next.reactions = reactions;
      else delete next.reactions;
    }
    return next;
  }

  /** Updates the quotes in replies to `target` after an edit or delete of it. */
  #requote(target: string, change: ChangeEntry, messages: ChatMessage[], changed: ChatMessage[]): void {
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      if (m.replyTo?.id !== target || m.seq > change.seq || m.replyTo.deleted) continue;
      const quote = { ...m.replyTo };
      if (change.kind === 'delete') {
        delete quote.excerpt;
        quote.deleted = true;
      } else if (change.kind === 'edit' && change.text !== undefined) quote.excerpt = quoteExcerpt(change.text);
      else continue;
      if (quote.excerpt === m.replyTo.excerpt && quote.deleted === m.replyTo.deleted) continue;
      messages[i] = { ...m, replyTo: quote };
      changed.push(messages[i]!);
    }
  }

  #keepOrphan(change: ChangeEntry): void {
    // Only a target older than what is held can be loaded later; anything else is none of ours.
    if (this.#oldest === undefined || change.seq < this.#oldest) return;
    const list = this.#orphans.get(change.target) ?? [];
    if (list.some((c) => c.seq === change.seq)) return;
    list.push(change);
    this.#orphans.set(change.target, list);
    if (++this.#orphanCount > MAX_ORPHANS) {
      const [first] = this.#orphans.keys();
      this.#orphanCount -= this.#orphans.get(first!)!.length;
      this.#orphans.delete(first!);
    }
  }

  /** Binary search by seq; -1 when no message has it. */
  #indexOf(seq: number): number {
    let lo = 0;
    let hi = this.#messages.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.#messages[mid]!.seq;
      if (s === seq) return mid;
      if (s < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  #indexOfId(id: string): number {
    const seq = this.#seqOfId.get(id);
    return seq === undefined ? -1 : this.#indexOf(seq);
  }

  #push(message: ChatMessage): void {
    this.#messages.push(message);
    this.#seqOfId.set(message.id, message.seq);
  }
}

/** Reactions are listed by emoji (code unit order), on the server and in the fold alike. */
export function byEmoji(a: Reaction, b: Reaction): number {
  return a.emoji < b.emoji ? -1 : a.emoji > b.emoji ? 1 : 0;
}

/** The seq of the newest change folded into a message. */
export function version(message: ChatMessage): number {
  return message.version ?? message.seq;
}
