import type { Knex } from 'knex';

/**
 * SQLite's search index filled off the commit path (issue #25): the FTS5 insert trigger of
 * 20261207020000_message_search cost about a third of SQLite's acked messages/s, because every
 * commit flushed a small FTS5 segment. New messages are now indexed by the server's background
 * indexer (storage/sqlite-search-indexer.ts) in larger transactions, in id order; the id of the
 * newest message it has looked at is kept in `messages_fts_progress`, so a restart resumes there.
 *
 * The update and delete triggers stay, but act only on messages the indexer has looked at: an edit
 * or delete of a message not yet indexed changes the row only, and the indexer later reads its
 * current text (none, once deleted), so there is never a duplicate or a stale entry.
 *
 * "id at most last_id" means "looked at" only while ids are not reused, and SQLite's message ids
 * are plain rowids (20261201000000_seq_from_index): a deleted newest row's id is given again to
 * the next insert. So deleting the newest message moves last_id back to the newest remaining id
 * (it was looked at, and everything after it is gone), and the next message is indexed again.
 *
 * PostgreSQL's GIN expression index needs no change (its maintenance is measured in
 * docs/performance.md).
 */
export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') return;
  await knex.raw('create table messages_fts_progress (last_id integer not null)');
  // Everything stored so far was indexed by the insert trigger.
  await knex.raw('insert into messages_fts_progress (last_id) select coalesce(max(id), 0) from messages');
  for (const trigger of ['messages_fts_insert', 'messages_fts_update', 'messages_fts_delete']) await knex.raw(`drop trigger ${trigger}`);
  const indexed = 'old.id <= (select last_id from messages_fts_progress)';
  await knex.raw(`create trigger messages_fts_update after update of text on messages when old.kind = 'text' and ${indexed} begin
    delete from messages_fts where rowid = old.id;
    insert into messages_fts (rowid, room, text) select new.id, 'r' || new.room_id, new.text where new.text is not null;
  end`);
  await knex.raw(`create trigger messages_fts_delete after delete on messages when old.kind = 'text' and ${indexed} begin
    delete from messages_fts where rowid = old.id;
  end`);
  await knex.raw(`create trigger messages_fts_rewind after delete on messages when old.id > (select coalesce(max(id), 0) from messages) begin
    update messages_fts_progress set last_id = (select coalesce(max(id), 0) from messages) where last_id > (select coalesce(max(id), 0) from messages);
  end`);
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') return;
  for (const trigger of ['messages_fts_update', 'messages_fts_delete', 'messages_fts_rewind']) await knex.raw(`drop trigger ${trigger}`);
  // What the indexer had not reached yet, as the insert trigger would have indexed it.
  await knex.raw(`insert into messages_fts (rowid, room, text) select id, 'r' || room_id, text from messages
    where id > (select last_id from messages_fts_progress) and kind = 'text' and text is not null`);
  await knex.raw('drop table messages_fts_progress');
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
