import { parseArgs } from 'node:util';
import { AdminTokens, parseDuration } from './auth/admin-tokens.js';
import { Apps } from './auth/apps.js';
import type { ChatServerConfig } from './config.js';
import type { Database } from './db.js';
import { migrateConcurrently } from './migrate.js';

export const ADMIN_HELP = `Admin page (/admin; docs/admin.md):
  admin token [--app <id>] [--ttl <12h>]
                                  prints a token for /admin and the admin API: every app
                                  (a server admin) or, with --app, that app only. --ttl: 90m,
                                  12h, 7d... (default adminTokenTtlMs, at most adminTokenMaxTtlMs)`;

/** `roomchat-server admin token ...`: prints an admin token signed with the server's stored key. */
export async function adminCommand(db: Database, config: ChatServerConfig, args: string[], print: (line: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { app: { type: 'string' }, ttl: { type: 'string' } } });
  if (positionals[0] !== 'token') throw new Error(`Unknown admin command "${positionals[0] ?? ''}"\n\n${ADMIN_HELP}`);
  const ttlMs = values.ttl === undefined ? config.adminTokenTtlMs : parseDuration(values.ttl);
  if (ttlMs === undefined || ttlMs < 1000) throw new Error(`--ttl is a duration such as 90m, 12h or 7d, not "${values.ttl}"`);
  if (ttlMs > config.adminTokenMaxTtlMs) throw new Error(`--ttl may be at most ${config.adminTokenMaxTtlMs / 3_600_000} h (adminTokenMaxTtlMs)`);
  await migrateConcurrently(db);
  if (values.app !== undefined && !(await new Apps(db).find(values.app))) throw new Error(`No app has the id "${values.app}" (see apps list)`);
  const tokens = new AdminTokens();
  await tokens.load(db);
  print(await tokens.issue({ app: values.app }, ttlMs));
}
