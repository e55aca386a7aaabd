import { ErrorCode, type ChatMessage, type EntryKind, type HistoryPage, type ImageInfo, type LogEntry, type ReplyQuote, type SearchPage } from '@roomchat/protocol';
import { ChatError } from './errors.js';
import { isUniqueViolation, type Database } from './db.js';
import { entryData, quoteOf, selectMessages, toLogEntry, toReactions, type MessageWithImage, type ReactionCountRow } from './storage/rows.js';
import { findMessages, searchTerms } from './storage/search.js';
import { createMessageWriter, type AppendRequest, type EntryData, type MessageWriter } from './message-writer.js';
import type { ImageUrls } from './image-urls.js';
import type { RoomRecord } from './rooms.js';

/** A message to store; the server adds id, seq and time. */
export interface NewMessage {
  kind: EntryKind;
  author: string;
  /** The sending (or arriving, leaving) member's public id; none for HTTP posts. */
  authorId?: string | undefined;
  text?: string | undefined;
  /** The image of an image message, already checked to belong to the room. */
  image?: ImageInfo | undefined;
  clientId?: string | undefined;
  /** The kind's own fields (replyTo, mentions; a reaction's emoji and on). */
  data?: EntryData | undefined;
  /** A change entry's target, checked to be a message of the room. */
  targetId?: number | undefined;
  /** A reply's quote of its target, read when it was sent; shown in the answer and broadcast. */
  quote?: ReplyQuote | undefined;
}

export interface HistoryQuery {
  before?: number | undefined;
  after?: number | undefined;
  limit: number;
}

export interface AppendResult {
  message: LogEntry;
  /** False when the client id was seen before and the original is returned. */
  created: boolean;
}

/** Most appends one transaction takes; more wait for the next. */
const MAX_BATCH = 256;
/**
 * Appends that start a batch before the turn ends. A busy server's turn reads hundreds of
 * messages, and the first of them would wait for all the others to be read. A transaction's own
 * cost is about one message's (13-15 µs a message on SQLite at 4-50 a batch, 30 alone), so 32
 * keep nearly all of group commit's saving (8 measured worse in the fan-out bench, 16 the same).
 */
const EARLY_BATCH = 32;
/**
 * Appends that start another batch while one is being written (PostgreSQL's writer takes several
 * at once); fewer wait for a batch in flight to finish. A batch's own cost, to PostgreSQL and to
 * this process, is several messages' (one row: 0.7 ms a call, eight: 0.8-1.0), so small batches
 * side by side cost more CPU than they save in waiting (measured: 8 against 1 in the persistence
 * bench, 241-335 µs of CPU a message against 398-417, and more acked messages/s).
 */
const OVERLAP_BATCH = 8;

interface PendingAppend {
  room: RoomRecord;
  message: NewMessage;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Stored messages: appending with per-room sequence numbers, and keyset-paged history.
 *
 * Appends are group-committed: a batch starts at the end of the event-loop turn in which the
 * first append arrived (setImmediate), or sooner once EARLY_BATCH appends wait, and while it is
 * written the next ones queue up for the following batch. Under load the database does one
 * commit for many messages instead of one each; an idle server still commits a lone message at
 * once, in the turn it arrived. A writer that takes several batches at once (PostgreSQL's, whose
 * commits wait for the server's WAL flush) gets the next batch while the earlier ones are being
 * written, up to its `concurrency`, once OVERLAP_BATCH appends wait, and keeps each room's order
 * itself.
 */
export class Messages {
  readonly #db: Database;
  readonly #writer: MessageWriter;
  readonly #urls: ImageUrls | undefined;
  #queue: PendingAppend[] = [];
  /** Batches handed to the writer and not yet written; at #maxInFlight, appends just queue. */
  #inFlight = 0;
  /** The writer's concurrency: 1 on SQLite, postgresBatchesInFlight on PostgreSQL. */
  readonly #maxInFlight: number;
  /** A batch will start at the end of this turn. */
  #scheduled = false;
  /** Batches written and appends in them, so far: how well group commit is batching. */
  readonly stats = { batches: 0, appends: 0 };
  /** Told each batch's size once it is committed (the metrics' histogram). */
  onBatch: ((entries: number) => void) | undefined;

  constructor(db: Database, writer: MessageWriter = createMessageWriter(db), urls?: ImageUrls) {
    this.#db = db;
    this.#writer = writer;
    this.#maxInFlight = Math.max(1, writer.concurrency ?? 1);
    this.#urls = urls;
  }

  /** How a room's image paths are handed out: signed for a private room's members (image-urls.ts). */
  #signer(room: RoomRecord): ((path: string) => string) | undefined {
    const urls = this.#urls;
    return room.private && urls ? (path) => urls.sign(path) : undefined;
  }

  /**
   * Stores a message and resolves once it is committed. It is queued at once, and stored in the
   * order of the calls: sequence numbers are gap-free, in commit order, and in call order within
   * a batch (each batch reads the room's newest seq while it holds the room's write lock). A
   * repeated client id returns the original.
   */
  append(room: RoomRecord, message: NewMessage): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ room, message, resolve, reject });
      if (this.#inFlight >= this.#maxInFlight) return;
      // With a batch being written already, the next one takes the rest of the turn's appends.
      if (this.#inFlight === 0 && this.#queue.length >= EARLY_BATCH) {
        this.#startBatch();
      } else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => {
          this.#scheduled = false;
          if (this.#mayStartBatch()) this.#startBatch();
        });
      }
    });
  }

  /** Starts the writer once the schema is in place, so the first message does not wait for it. */
  start(): Promise<void> {
    return this.#writer.start();
  }

  /** After a commit made on another connection (a retention batch): see MessageWriter.afterOtherCommit. */
  async afterOtherCommit(): Promise<void> {
    await this.#writer.afterOtherCommit?.();
  }

  /** Stops the writer; call once nothing is being appended any more. */
  close(): Promise<void> {
    return this.#writer.close();
  }

  /** Hands the queue's first MAX_BATCH appends to the writer; when they are written, the next batch starts at once if any wait. */
  #startBatch(): void {
    const batch = this.#queue.splice(0, MAX_BATCH);
    this.#inFlight++;
    void this.#writeOrFail(batch).finally(() => {
      this.#inFlight--;
      if (this.#mayStartBatch()) this.#startBatch();
    });
  }

  /** Whether queued appends start a batch now: at once when none is in flight, else once OVERLAP_BATCH wait. */
  #mayStartBatch(): boolean {
    if (this.#inFlight === 0) return this.#queue.length > 0;
    return this.#inFlight < this.#maxInFlight && this.#queue.length >= OVERLAP_BATCH;
  }

  async #writeOrFail(batch: PendingAppend[]): Promise<void> {
    try {
      await this.#write(batch);
    } catch (error) {
      // A client id stored meanwhile by another process fails the whole batch: redo it one
      // by one, so only the duplicate answers with the original.
      if (batch.length > 1 && isUniqueViolation(error)) {
        for (const one of batch) await this.#write([one]).catch((e: unknown) => this.#fail(one, e));
      } else {
        for (const one of batch) await this.#fail(one, error);
      }
    }
  }

  /** Writes a batch; a client id repeated within it is written once and answers the others too. */
  async #write(batch: PendingAppend[]): Promise<void> {
    const firstOfKey = new Map<string, number>();
    const unique: PendingAppend[] = [];
    const uniqueIndex = batch.map((pending) => {
      const key = pending.message.clientId === undefined ? undefined : `${pending.room.id}:${pending.message.clientId}`;
      const first = key === undefined ? undefined : firstOfKey.get(key);
      if (first !== undefined) return first;
      unique.push(pending);
      if (key !== undefined) firstOfKey.set(key, unique.length - 1);
      return unique.length - 1;
    });
    const outcomes = await this.#writer.write(unique.map(({ room, message }) => toAppendRequest(room, message)));
    this.stats.batches++;
    this.stats.appends += unique.length;
    this.onBatch?.(unique.length);
    const results = unique.map(({ room, message }, i): AppendResult => {
      const { row, created } = outcomes[i]!;
      return { message: toLogEntry(room, row, { ...(created ? { image: message.image, replyTo: message.quote } : {}), signUrl: this.#signer(room) }), created };
    });
    batch.forEach((pending, i) => {
      const j = uniqueIndex[i]!;
      const result = results[j]!;
      if (unique[j] === pending && result.created) pending.resolve(result);
      else answerRepeat(pending, result.message);
    });
  }

  async #fail(pending: PendingAppend, error: unknown): Promise<void> {
    // A lone append that lost a client-id race answers with the winner's message.
    const { room, message } = pending;
    const existing = message.clientId && isUniqueViolation(error) ? await this.#findByClientId(room, message.clientId).catch(() => undefined) : undefined;
    if (existing) answerRepeat(pending, existing);
    else pending.reject(error);
  }

  /**
   * A page of the log, oldest first: the newest `limit` entries with seq below `before` (or the
   * newest of all), or with `after`, the oldest `limit` newer than it. Keyset on (room_id, seq),
   * so deep pages cost what the first one does. Messages are as they are now: edited, deleted,
   * with their reactions (`mine` for `viewerId`) and their reply's quote of its target now.
   */
  async page(room: RoomRecord, options: HistoryQuery, viewerId?: string): Promise<HistoryPage> {
    const forward = options.after !== undefined;
    const query = this.#select(room)
      .orderBy('messages.seq', forward ? 'asc' : 'desc')
      .limit(options.limit + 1);
    if (options.before !== undefined) query.where('messages.seq', '<', options.before);
    if (options.after !== undefined) query.where('messages.seq', '>', options.after);
    const rows = await query;
    const hasMore = rows.length > options.limit;
    const page = rows.slice(0, options.limit);
    if (!forward) page.reverse();
    const { reactions, quotes } = await this.#extras(room, page, viewerId);
    const messages = page.map((row) => {
      const replyTo = row.data ? entryData(row).replyTo : undefined;
      return toLogEntry(room, row, { reactions: reactions.get(String(row.id)), replyTo: replyTo === undefined ? undefined : quotes.get(replyTo), signUrl: this.#signer(room) });
    });
    // Only pages that reach back to where retention cut the log say where it now starts (one
    // lookup by key): catch-up from before it, and the oldest page.
    const reachesBack = forward ? options.after! < (messages[0]?.seq ?? Infinity) - 1 : !hasMore && messages[0]?.seq !== 1;
    const start = reachesBack ? await this.historyStart(room) : undefined;
    if (start !== undefined && (!forward || options.after! < start - 1)) return { messages, hasMore, historyStart: start };
    return { messages, hasMore };
  }

  /** The seq the room's log now starts at, when retention deleted older entries (retention.ts); else undefined. */
  async historyStart(room: RoomRecord): Promise<number | undefined> {
    const row = await this.#db('rooms').where({ id: room.id }).first('purged_seq');
    const purged = Number(row?.purged_seq ?? 0);
    return purged > 0 ? purged + 1 : undefined;
  }

  /**
   * The room's text messages that hold every word of `query` (storage/search.ts), newest first, as
   * they are now: edited, with their reactions (`mine` for `viewerId`) and reply quotes.
   */
  async search(room: RoomRecord, query: string, options: { before?: number | undefined; limit: number }, viewerId?: string): Promise<SearchPage> {
    // Read-your-writes: what was acknowledged is in the index before it is read.
    await this.#writer.flushSearchIndex?.();
    const rows = await findMessages(this.#db, room, searchTerms(query), { before: options.before, limit: options.limit + 1 });
    const page = rows.slice(0, options.limit);
    const { reactions, quotes } = await this.#extras(room, page, viewerId);
    const messages = page.map((row) => {
      const replyTo = row.data ? entryData(row).replyTo : undefined;
      return toLogEntry(room, row, { reactions: reactions.get(String(row.id)), replyTo: replyTo === undefined ? undefined : quotes.get(replyTo), signUrl: this.#signer(room) }) as ChatMessage;
    });
    return { messages, hasMore: rows.length > options.limit };
  }

  /** The reactions on a page's messages and the messages its replies quote, in two queries at most. */
  async #extras(room: RoomRecord, rows: MessageWithImage[], viewerId: string | undefined) {
    const quotes = new Map<string, ReplyQuote>();
    const reactable = rows.filter((r) => (r.kind === 'text' || r.kind === 'image') && (r.version ?? null) !== null && r.deleted_at == null).map((r) => r.id);
    const counted: ReactionCountRow[] = reactable.length
      ? await this.#db('reactions')
          .whereIn('message_id', reactable)
          .groupBy('message_id', 'emoji')
          .select('message_id', 'emoji', this.#db.raw('count(*) as n'), this.#db.raw('sum(case when member_id = ? then 1 else 0 end) as mine', [viewerId ?? '']))
      : [];
    const reactions = toReactions(counted);
    const replied = [...new Set(rows.flatMap((r) => (r.data ? [entryData(r).replyTo] : [])).filter((id): id is string => id !== undefined))];
    if (replied.length) {
      const targets = await this.#db('messages').where('room_id', room.id).whereIn('id', replied).select('id', 'author', 'text', 'deleted_at', 'hidden_at');
      for (const t of targets) quotes.set(String(t.id), quoteOf(t));
    }
    return { reactions, quotes };
  }

  /** A message of the room, for checking a change or a reply before it is queued. */
  async find(room: RoomRecord, id: string): Promise<MessageWithImage | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    return this.#db<MessageWithImage>('messages').where({ room_id: room.id, id }).first();
  }

  async #findByClientId(room: RoomRecord, clientId: string): Promise<LogEntry | undefined> {
    const row = await this.#select(room).where('messages.client_id', clientId).first();
    return row && toLogEntry(room, row, { signUrl: this.#signer(room) });
  }

  #select(room: RoomRecord) {
    return selectMessages(this.#db).where('messages.room_id', room.id);
  }
}

/**
 * Answers an append whose client id is stored already: with the stored message when the same
 * author sent it (a retry), else with an error. A client id is the author's own: a member who
 * copies another's must not get that member's message back as if it were theirs.
 */
function answerRepeat({ message, resolve, reject }: PendingAppend, stored: LogEntry): void {
  // Members are told apart by id; posts over HTTP have none, and by the name they give.
  const sameAuthor = message.authorId ? stored.authorId === message.authorId : !stored.authorId && stored.author === message.author;
  if (sameAuthor) resolve({ message: stored, created: false });
  else reject(new ChatError(ErrorCode.INVALID_PAYLOAD, 'That clientId is taken in this room; send with a new one'));
}

function toAppendRequest(room: RoomRecord, message: NewMessage): AppendRequest {
  return {
    roomId: room.id,
    kind: message.kind,
    author: message.author,
    authorId: message.authorId ?? null,
    text: message.text ?? null,
    imageId: message.image?.id ?? null,
    clientId: message.clientId ?? null,
    data: message.data ?? null,
    targetId: message.targetId ?? null,
  };
}
