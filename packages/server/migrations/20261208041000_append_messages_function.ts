import type { Knex } from 'knex';

/**
 * PostgreSQL: a batch of new messages stored in one statement, so in one round trip that is also
 * its own transaction (storage/postgres-message-writer.ts). Before, a batch was six statements,
 * each a round trip between the server and PostgreSQL; on a busy machine each also waits for both
 * processes to be scheduled, and the round trips, not the rows, bounded the acked messages/s.
 *
 * The function locks the batch's rooms in id order (as every writer does, so none deadlock), then
 * numbers the messages from each room's newest seq and leaves out the client ids stored before
 * (numbered after that filter, so a repeated client id takes no seq). It is VOLATILE PL/pgSQL, so
 * under READ COMMITTED its insert takes a snapshot of its own after the locks are granted, and
 * sees what the previous holder of a room's lock committed. Returns the new rows' id, seq, room
 * and client id. SQLite has no such functions, and no round trips to save.
 */
export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw(`create function roomchat_append_messages(
      room_ids int[], kinds text[], authors text[], author_ids text[], texts text[], image_ids text[], client_ids text[], datas text[], created bigint)
    returns table (new_id bigint, new_seq bigint, new_room_id int, new_client_id text)
    language plpgsql volatile as $$
    begin
      perform 1 from rooms r where r.id = any(room_ids) order by r.id for update;
      return query
        insert into messages as m (room_id, seq, kind, author, author_id, text, image_id, client_id, created_at, data)
        select b.room_id, coalesce(newest.seq, 0) + row_number() over (partition by b.room_id order by b.ord),
               b.kind, b.author, b.author_id, b.text, b.image_id, b.client_id, created, b.data
          from unnest(room_ids, kinds, authors, author_ids, texts, image_ids, client_ids, datas) with ordinality
               as b (room_id, kind, author, author_id, text, image_id, client_id, data, ord)
          left join lateral (select max(x.seq) as seq from messages x where x.room_id = b.room_id) newest on true
         where b.client_id is null or not exists (select 1 from messages x where x.room_id = b.room_id and x.client_id = b.client_id)
         order by b.ord
        returning m.id, m.seq, m.room_id, m.client_id::text;
    end $$`);
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw('drop function roomchat_append_messages(int[], text[], text[], text[], text[], text[], text[], text[], bigint)');
}
