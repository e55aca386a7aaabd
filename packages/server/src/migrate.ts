import { migrate, type Database } from './db.js';

/**
 * `migrate`, safe when several nodes start at once on an empty PostgreSQL database. knex's
 * migration lock serialises the migrations themselves, but the lock and bookkeeping tables are
 * created before it is taken (check, then `create table`), so two nodes racing on a fresh schema
 * can both try to create them: one gets "relation already exists" (42P07) or a duplicate
 * pg_type row (23505). Trying again then finds the tables and waits on the lock, as intended.
 */
export async function migrateConcurrently(db: Database, attempts = 5): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrate(db);
    } catch (error) {
      const code = (error as { code?: string } | undefined)?.code;
      if (attempt >= attempts || (code !== '42P07' && code !== '23505')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}
