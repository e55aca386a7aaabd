import type { Knex } from 'knex';
import * as previous from './20261208041000_append_messages_function.js';

/**
 * PostgreSQL: roomchat_append_messages looks each client id up in the (client_id, room_id) index,
 * one probe per row, instead of `not exists` inside an `or`. PL/pgSQL keeps a generic plan per
 * connection, made from the table's statistics at the time: a pool connection that first ran the
 * function on a new, nearly empty table planned that `not exists` as a hashed subplan, a scan of
 * the whole messages table on every batch, and kept it until the table was next analyzed (for
 * good with autovacuum off; measured: 1.5 ms for a batch of 32 at first, 70 ms at 100,000
 * messages). A lateral lookup with `limit 1` is planned as an index probe whatever the table's
 * size, and leaves the seq numbering as it was: a repeated client id is left out before the
 * messages are numbered, so it takes no seq.
 */
export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw(`create or replace function roomchat_append_messages(
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
          left join lateral (select true as found from messages x where x.client_id = b.client_id and x.room_id = b.room_id limit 1) stored on true
         where stored.found is null
         order by b.ord
        returning m.id, m.seq, m.room_id, m.client_id::text;
    end $$`);
}

export async function down(knex: Knex): Promise<void> {
  await previous.down(knex);
  await previous.up(knex);
}
