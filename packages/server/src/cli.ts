#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG, resolveConfig, settingsFromEnv, type ChatServerConfig } from './config.js';
import { describeStorageProblem, openDatabase } from './db.js';
import type { ChatServer } from './index.js';
import { migrateConcurrently } from './migrate.js';
import { APPS_HELP, appsCommand } from './apps-cli.js';
import { DATA_HELP, backupCommand, exportCommand } from './data-cli.js';
import { WEBHOOKS_HELP, webhooksCommand } from './webhooks-cli.js';
import { ADMIN_HELP, adminCommand } from './admin-cli.js';

const HELP = `Usage: roomchat-server [start|migrate|apps ...|webhooks ...|admin token|export ...|backup <file>] [options]

Commands:
  start (default)        migrate the database, then serve HTTP and Socket.IO
  migrate                bring the database schema up to date and exit
  apps ...               manage apps (sites): see below
  webhooks ...           manage apps' webhook endpoints: see below
  admin token            print a token for the admin page, /admin: see below
  export ...             write a room's log and images to a directory: see below
  backup <file>          copy the SQLite database while the server runs

Options:
  -p, --port <n>         port to listen on (env PORT, default 3000)
      --host <addr>      address to bind (env HOST, default all interfaces)
      --data-dir <dir>   where the SQLite file lives (env DATA_DIR, default ./data)
      --database-url <u> postgres://... to use PostgreSQL (env DATABASE_URL)
      --redis-url <u>    redis://... to run as one of several nodes (env REDIS_URL)
      --log-level <lvl>  fatal|error|warn|info|debug|trace|silent (env LOG_LEVEL, default info)
  -h, --help             show this help

Every other setting is an environment variable ROOMCHAT_<NAME>, e.g.
ROOMCHAT_MESSAGE_MAX_LENGTH=2000 or ROOMCHAT_CORS_ORIGINS=https://a.example,https://b.example.
Every setting: docs/operating.md (Settings).

${APPS_HELP}

${WEBHOOKS_HELP}

${ADMIN_HELP}

${DATA_HELP}`;

async function main(argv: string[]): Promise<void> {
  // The apps, webhooks and export commands have options of their own (apps-cli.ts,
  // webhooks-cli.ts, data-cli.ts); the database options come first or last.
  const appsAt = argv.findIndex((arg) => arg === 'apps' || arg === 'webhooks' || arg === 'export' || arg === 'admin');
  const appArgs = appsAt === -1 ? [] : argv.slice(appsAt + 1);
  const { values, positionals } = parseArgs({
    args: appsAt === -1 ? argv : [...argv.slice(0, appsAt + 1), ...serverOptions(appArgs)],
    allowPositionals: true,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      'redis-url': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const command = positionals[0] ?? 'start';
  const env = process.env;
  const settings: Partial<ChatServerConfig> = {
    ...settingsFromEnv(env),
    dataDir: values['data-dir'] ?? env.DATA_DIR ?? DEFAULT_CONFIG.dataDir,
    databaseUrl: values['database-url'] ?? (env.DATABASE_URL || undefined),
    redisUrl: values['redis-url'] ?? (env.REDIS_URL || undefined),
    logLevel: values['log-level'] ?? env.LOG_LEVEL ?? DEFAULT_CONFIG.logLevel,
  };

  // Storage failures (a read-only or full data directory, an unreachable PostgreSQL) become one
  // line naming the place and the fix, instead of a driver's message without a path.
  const explained = (err: unknown) => {
    const line = describeStorageProblem(err, { databaseUrl: settings.databaseUrl, dataDir: settings.dataDir! });
    return line ? new Error(line, { cause: err }) : err;
  };

  if (command === 'migrate') {
    try {
      const db = openDatabase({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir!, busyTimeoutMs: settings.sqliteBusyTimeoutMs });
      try {
        const applied = await migrateConcurrently(db);
        console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Already up to date');
      } finally {
        await db.destroy();
      }
    } catch (err) {
      throw explained(err);
    }
    return;
  }
  if (command === 'apps' || command === 'webhooks' || command === 'export' || command === 'backup' || command === 'admin') {
    try {
      const db = openDatabase({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir!, busyTimeoutMs: settings.sqliteBusyTimeoutMs });
      const print = (line: string) => console.log(line);
      try {
        if (command === 'apps') await appsCommand(db, withoutServerOptions(appArgs), print, { ...DEFAULT_CONFIG, ...settings });
        else if (command === 'webhooks') await webhooksCommand(db, resolveConfig(settings), withoutServerOptions(appArgs), print);
        else if (command === 'admin') await adminCommand(db, resolveConfig(settings), withoutServerOptions(appArgs), print);
        else if (command === 'export') await exportCommand(db, withoutServerOptions(appArgs), { exportPageSize: settings.exportPageSize ?? DEFAULT_CONFIG.exportPageSize }, print);
        else await backupCommand(db, positionals[1], print);
      } finally {
        await db.destroy();
      }
    } catch (err) {
      throw explained(err);
    }
    return;
  }
  if (command !== 'start') throw new Error(`Unknown command "${command}"\n\n${HELP}`);

  const port = Number(values.port ?? env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port: ${values.port ?? env.PORT}`);
  const host = values.host ?? env.HOST;
  let server: ChatServer;
  let url: string;
  try {
    // Imported here: the server's modules (sharp, Socket.IO...) take seconds to load on a slow disk,
    // which `migrate` and `apps ...` do not need.
    const { createChatServer } = await import('./index.js');
    server = createChatServer(settings);
    ({ url } = await server.listen({ port, ...(host ? { host } : {}) }));
  } catch (err) {
    throw explained(err);
  }
  server.log.info(`Open ${url}/ for the demo; embed with <script src="${url}/widget.js" defer></script>`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      server.log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    server.log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        server.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** The database options among an apps command's arguments (`--data-dir d`, `--database-url=u`). */
const SERVER_OPTIONS = ['--data-dir', '--database-url', '--log-level'];
function serverOptions(args: string[]): string[] {
  const found: string[] = [];
  args.forEach((arg, i) => {
    if (SERVER_OPTIONS.includes(arg)) found.push(arg, args[i + 1] ?? '');
    else if (SERVER_OPTIONS.some((o) => arg.startsWith(`${o}=`))) found.push(arg);
  });
  return found;
}
function withoutServerOptions(args: string[]): string[] {
  return args.filter((arg, i) => !SERVER_OPTIONS.includes(arg) && !SERVER_OPTIONS.includes(args[i - 1] ?? '') && !SERVER_OPTIONS.some((o) => arg.startsWith(`${o}=`)));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  // One line, no stack: these are the operator's to fix (settings, the data directory).
  console.error(`roomchat-server: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
