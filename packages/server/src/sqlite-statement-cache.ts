import type Database from 'better-sqlite3';

/** Most statements a connection keeps prepared for knex; the least recently used beyond go. */
export const STATEMENT_CACHE_SIZE = 64;

/**
 * Makes `connection.prepare` hand out statements prepared before, by SQL text. Knex's
 * better-sqlite3 dialect prepares every query anew: 35-40 µs of each of a join's two reads and of
 * every history page (docs/decisions/0001-better-sqlite3-over-sqlite3.md). Knex writes one text per query
 * shape, with the values as bindings, so a few statements cover the server's queries; texts that
 * vary (a whereIn list's length, a savepoint's name) fall out of the cache as it fills.
 *
 * For the connection knex queries with only: knex runs each statement to its end at once (`all`,
 * `run`), so a statement is never in use twice, and sets no mode on it that would outlast the
 * query (`safeIntegers` only for a query that asks with `.options()`, which the server's do not).
 * SQLite prepares a statement again by itself after a schema change.
 */
export function cacheStatements(connection: Database.Database, size = STATEMENT_CACHE_SIZE): void {
  const prepare = connection.prepare.bind(connection);
  const statements = new Map<string, Database.Statement>();
  connection.prepare = ((source: string) => {
    let statement = statements.get(source);
    if (statement) {
      statements.delete(source); // re-inserted below: a Map iterates in insertion order
    } else {
      statement = prepare(source);
      if (statements.size >= size) statements.delete(statements.keys().next().value!);
    }
    statements.set(source, statement);
    return statement;
  }) as Database.Database['prepare'];
}
