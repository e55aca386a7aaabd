import { migrate, type Database } from './db.js';

/** How long a starting node waits for another node's migrations before giving up. */
const WAIT_FOR_OTHERS_MS = 60_000;

/**
 * `migrate`, safe when several nodes start at once on one database. knex's own migration lock is
 * not enough: it does not wait (a second migrator fails with `MigrationLocked`), and its lock and
 * bookkeeping tables are created before it is taken (check, then create), so two nodes on an empty
 * PostgreSQL schema race there: one fails with "already exists" (42P07, 42710) or a duplicate
 * pg_type row (23505), or both insert a row into `knex_migrations_lock`, which then reads as
 * locked for ever. So on PostgreSQL the whole run holds a transaction-scoped advisory lock keyed
 * by the schema (https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS):
 * the other nodes wait for it and then find the work done. The retry below covers SQLite files
 * shared by two processes. (A node killed mid-migration releases the advisory lock with its
 * connection, but may leave knex's lock set; `knex migrate:unlock` clears it.)
 */
export async function migrateConcurrently(db: Database, waitMs = WAIT_FOR_OTHERS_MS): Promise<string[]> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 1; ; attempt++) {
    try {
      if (db.client.config.client !== 'pg') return await migrate(db);
      // The lock is held by this transaction's connection while the migrations run on others of the pool.
      return await db.transaction(async (trx) => {
        await trx.raw(`select pg_advisory_xact_lock(hashtext('roomchat:migrate:' || current_schema()))`);
        return migrate(db);
      });
    } catch (error) {
      const { code, name } = (error ?? {}) as { code?: string; name?: string };
      const racing = name === 'MigrationLocked' || code === '42P07' || code === '42710' || code === '23505';
      if (!racing || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(50 * attempt, 500)));
    }
  }
}
