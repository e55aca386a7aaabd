import type { Logger } from 'pino';
import type { EntryKind, ModerationEntry } from '@roomchat/protocol';
import { sqliteFileOf, type Database } from './db.js';
import { PostgresMessageWriter } from './storage/postgres-message-writer.js';
import type { MessageWithImage } from './storage/rows.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import { SqliteMessageWriter } from './sqlite-message-writer.js';
import type { SearchIndexerOptions } from './storage/sqlite-search-indexer.js';

/** One message (or change entry) of a batch to store; the writer adds id, seq and time. */
export interface AppendRequest {
  roomId: number;
  kind: EntryKind;
  author: string;
  authorId: string | null;
  /** A message's text; an edit's new text. */
  text: string | null;
  imageId: string | null;
  clientId: string | null;
  /** The kind's own fields, stored as JSON in `data` (a reaction's `count` is added by the writer). */
  data?: EntryData | null | undefined;
  /** The message a change entry (edit, delete, reaction) changes, in the same room. */
  targetId?: number | null | undefined;
}

/** What `data` holds, by kind: replies and mentions on messages; emoji, on and count on reactions. */
export interface EntryData {
  replyTo?: string;
  mentions?: string[];
  emoji?: string;
  on?: boolean;
  count?: number;
  /** A moderation entry's own fields (chat/moderation.ts). */
  moderation?: ModerationData;
}

/** What a moderation entry stores: its fields of the wire form but the common ones. */
export type ModerationData = Omit<ModerationEntry, 'kind' | 'id' | 'roomCode' | 'seq' | 'author' | 'authorId' | 'createdAt' | 'text' | 'image' | 'clientId'>;

/** Whether the request is a change entry, whose effect on its target the writer applies. */
export function isChangeRequest(request: AppendRequest): boolean {
  return request.kind === 'edit' || request.kind === 'delete' || request.kind === 'reaction';
}

/** What became of an append: the new row, or the one stored earlier under its client id. */
export interface AppendOutcome {
  row: MessageWithImage;
  created: boolean;
}

/**
 * Writes a batch of appends in one transaction. Within a batch no two requests share a room and
 * client id (Messages merges those first). For each request, in order: a client id already stored
 * in the room returns that row; otherwise the room's next seq is taken and the message inserted,
 * so seqs are gap-free and in batch order within each room.
 *
 * A change entry also changes its target in that transaction, each guarded by `deleted_at is
 * null` (a change that lost a race with a delete leaves the tombstone as it is), with `version`
 * set to the entry's seq:
 * - edit: the target's text and `edited_at`;
 * - delete: text, image and `data` erased, `deleted_at` set, its reactions removed, the text of
 *   its edit entries erased too, and its image's bytes deleted unless another message shows it;
 * - reaction: the member's reaction added or removed, and the emoji's resulting count stored in
 *   the entry's data, so the entry carries the state it leads to.
 */
export interface MessageWriter {
  /** Gets ready to write (after migrations); rejects when storage cannot be written. */
  start(): Promise<void>;
  write(batch: AppendRequest[]): Promise<AppendOutcome[]>;
  close(): Promise<void>;
  /** Told of a commit made on another connection (retention's batches), for the writers that look after the WAL. */
  afterOtherCommit?(): Promise<void>;
  /**
   * Brings the search index up to date with what was committed, when the writer fills it later
   * than the commit (SQLite's background indexer); search calls it first, so a sender finds
   * what was acknowledged.
   */
  flushSearchIndex?(): Promise<void>;
  /**
   * How many batches it takes at once: Messages hands over the next batch while up to this many
   * are being written, and the writer keeps their order (1 when unset: one batch at a time).
   */
  readonly concurrency?: number;
}

export interface WriterOptions {
  /** SQLite: the background search indexer's pace. */
  searchIndexing?: SearchIndexerOptions | undefined;
  /** PostgreSQL: batches written at once (config.ts: postgresBatchesInFlight). */
  batchesInFlight?: number | undefined;
}

/** The writer for `db`: a connection of its own for SQLite, the knex pool for PostgreSQL. */
export function createMessageWriter(db: Database, log?: Logger, { searchIndexing, batchesInFlight }: WriterOptions = {}): MessageWriter {
  const sqlite = sqliteFileOf(db);
  if (!sqlite) return new PostgresMessageWriter(db, batchesInFlight);
  const onCheckpointerError = (err: Error) => log?.error({ err }, 'SQLite checkpoint thread stopped; commits checkpoint themselves until it is back');
  return new SqliteMessageWriter(sqlite, new SqliteCheckpointer(sqlite, onCheckpointerError), searchIndexing);
}
