import type { Knex } from 'knex';

/**
 * Full-text search over a room's messages (issue #25): only `text` messages are indexed, by their
 * current text, so an edit is found by its new words only, and a delete (which erases the text)
 * leaves nothing to find. Edit entries, which also carry text, are never indexed.
 *
 * - SQLite: an FTS5 table with no content of its own (`content=''`, `contentless_delete=1`, SQLite
 *   3.43+), kept in step by triggers whatever writes the rows (the server's writer, a script). Each
 *   row holds its room as a token (`r<id>`) in a column of its own, so a search intersects the
 *   room's postings with the words' instead of filtering every room's matches.
 * - PostgreSQL: a GIN index over `to_tsvector('simple', text)`, partial to text messages. An
 *   expression, not a stored column: an edit or delete changes `text`, and the index follows.
 * Both use language-neutral word splitting and lower-casing without stemming (chat is in every
 * language); accents are kept on both engines, so the two find the same messages.
 */
export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    await knex.raw(`create index messages_search on messages using gin (to_tsvector('simple', text)) where kind = 'text'`);
    return;
  }
  await knex.raw(`create virtual table messages_fts using fts5(room, text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0')`);
  await knex.raw(`insert into messages_fts (rowid, room, text) select id, 'r' || room_id, text from messages where kind = 'text' and text is not null`);
  await knex.raw(`create trigger messages_fts_insert after insert on messages when new.kind = 'text' and new.text is not null begin
    insert into messages_fts (rowid, room, text) values (new.id, 'r' || new.room_id, new.text);
  end`);
  await knex.raw(`create trigger messages_fts_update after update of text on messages when old.kind = 'text' begin
    delete from messages_fts where rowid = old.id;
    insert into messages_fts (rowid, room, text) select new.id, 'r' || new.room_id, new.text where new.text is not null;
  end`);
  await knex.raw(`create trigger messages_fts_delete after delete on messages when old.kind = 'text' begin
    delete from messages_fts where rowid = old.id;
  end`);
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    await knex.raw('drop index messages_search');
    return;
  }
  for (const trigger of ['messages_fts_insert', 'messages_fts_update', 'messages_fts_delete']) await knex.raw(`drop trigger ${trigger}`);
  await knex.raw('drop table messages_fts');
}
