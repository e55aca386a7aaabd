import type { Database } from '../db.js';
import type { RoomRecord } from '../rooms.js';
import { selectMessages, type MessageWithImage } from './rows.js';

/** Most words a query is searched by; the rest are ignored (the query length is bounded anyway). */
const MAX_TERMS = 16;

/**
 * The words of a query, as both engines split text: runs of letters, digits and combining marks,
 * lower-cased. Everything else (quotes, `*`, `-`, `NEAR`, parentheses, colons) only separates words,
 * so no query can be read as the engines' search syntax: the expressions below are built from
 * these words alone, never from the query as typed.
 */
export function searchTerms(query: string): string[] {
  const words = query.normalize('NFC').toLowerCase().match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
  return [...new Set(words)].slice(0, MAX_TERMS);
}

export interface SearchOptions {
  /** Only messages with a seq below it (the next page). */
  before?: number | undefined;
  limit: number;
}

/**
 * The room's text messages, as they are now, that hold every term (as a word or a word's start),
 * newest first; `limit` rows at most. Deleted messages have no text and so never match; edit
 * entries are not indexed (migrations/20261207020000_message_search.ts).
 */
export async function findMessages(db: Database, room: RoomRecord, terms: string[], options: SearchOptions): Promise<MessageWithImage[]> {
  if (terms.length === 0) return [];
  const query = selectMessages(db)
    .where('messages.room_id', room.id)
    .where('messages.kind', 'text')
    .whereNull('messages.deleted_at')
    .orderBy('messages.seq', 'desc')
    .limit(options.limit);
  if (options.before !== undefined) query.where('messages.seq', '<', options.before);
  if (db.client.config.client === 'pg') {
    // 'word':* is a prefix match; the words hold no quote or backslash, and are bound, not spliced.
    const tsquery = terms.map((t) => `'${t}':*`).join(' & ');
    query.whereRaw(`to_tsvector('simple', messages.text) @@ to_tsquery('simple', ?)`, [tsquery]);
  } else {
    // FTS5: the room's own token, then each word as a quoted prefix phrase in the text column.
    const match = [`room : "r${room.id}"`, ...terms.map((t) => `text : "${t}"*`)].join(' AND ');
    query.whereRaw('messages.id in (select rowid from messages_fts where messages_fts match ?)', [match]);
  }
  return query;
}
