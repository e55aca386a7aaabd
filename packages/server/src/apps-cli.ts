import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_ROOM_CODE_LENGTH } from '@roomchat/protocol';
import { Apps, checkRetentionDays, publicApp, ROOM_CREATION, type AppChanges, type AppSettings, type RoomCreation } from './auth/apps.js';
import { DEFAULT_CONFIG } from './config.js';
import { Rooms, setRoomRetention } from './rooms.js';
import type { Database } from './db.js';
import { moderationPatchSchema, type ModerationLimits } from './moderation/settings.js';
import { migrateConcurrently } from './migrate.js';

export const APPS_HELP = `Apps (one per embedding site; every command prints JSON):
  apps create --name <n> --origin <o> [--origin ...] [--guests on|off] [--room-creation anyone|verified|none]
              [--anonymous-rest-posting on|off] [--reports-to-hide <n>] [--jwks-url <u>] [--retention-days <n>]
                                  prints { id, secret, ... }: keep the secret on the site's backend
  apps list                       every app, without secrets
  apps update <id> [--name <n>] [--origin <o> ...] [--guests on|off] [--room-creation ...]
              [--anonymous-rest-posting on|off] [--reports-to-hide <n>] [--jwks-url <u>|none]
              [--retention-days <n>|forever]
              [filters and hook, see below]
                                  --origin replaces the app's list of origins; --retention-days: messages
                                  and images older than that are deleted (docs/operating.md#retention)
  apps room-retention <id> (--room <code>|--key <key>) --days <n>|forever|app
                                  a room's own retention period (app: the app's again)
  apps rotate-secret <id>         prints the app with its new secret; tokens signed with the old one stop working
  apps delete <id>                deletes an app that has no rooms

Filters and the pre-publish hook (apps create and apps update; docs/moderation.md):
  --blocked-words <w,w,...>|none  the blocked-word list (replaces it); --blocked-words-file <f>: one word a line
  --word-action block|mask        refuse a message with a listed word, or mask the word with asterisks
  --link-policy allow|deny|verified   who may post links (verified: signed-in users only)
  --mentions-max <n>|none         most members one message may mention
  --hook-url <u>|none             POST each message and edit there before storing it (signed; prints the hook secret)
  --hook-timeout-ms <n>           how long the hook has to answer (default 2000)
  --hook-fail-mode open|closed    when the hook fails: publish anyway, or refuse
  --rotate-hook-secret            a new hook secret`;

const onOff = (value: string | undefined, flag: string): boolean | undefined => {
  if (value === undefined) return undefined;
  if (value !== 'on' && value !== 'off') throw new Error(`${flag} is on or off, got "${value}"`);
  return value === 'on';
};

const wholeNumber = (value: string, flag: string): number => {
  if (!/^\d{1,9}$/.test(value)) throw new Error(`${flag} is a whole number of days, got "${value}"`);
  return Number(value);
};

/** `roomchat-server apps ...` on the configured database: the thin shell around auth/apps.ts. */
export async function appsCommand(db: Database, args: string[], print: (line: string) => void, limits: ModerationLimits = DEFAULT_CONFIG): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      origin: { type: 'string', multiple: true },
      guests: { type: 'string' },
      'room-creation': { type: 'string' },
      'anonymous-rest-posting': { type: 'string' },
      'reports-to-hide': { type: 'string' },
      'jwks-url': { type: 'string' },
      'blocked-words': { type: 'string' },
      'blocked-words-file': { type: 'string' },
      'word-action': { type: 'string' },
      'link-policy': { type: 'string' },
      'mentions-max': { type: 'string' },
      'hook-url': { type: 'string' },
      'hook-timeout-ms': { type: 'string' },
      'hook-fail-mode': { type: 'string' },
      'rotate-hook-secret': { type: 'boolean' },
      'retention-days': { type: 'string' },
      room: { type: 'string' },
      key: { type: 'string' },
      days: { type: 'string' },
    },
  });
  const moderation = moderationFlags(values, limits);
  const [command, id] = positionals;
  const settings: Partial<AppSettings> = {};
  const guests = onOff(values.guests, '--guests');
  if (guests !== undefined) settings.guestsAllowed = guests;
  const anonymous = onOff(values['anonymous-rest-posting'], '--anonymous-rest-posting');
  if (anonymous !== undefined) settings.anonymousRestPosting = anonymous;
  const reports = values['reports-to-hide'];
  if (reports !== undefined) {
    if (!/^\d{1,4}$/.test(reports) || Number(reports) < 1) throw new Error('--reports-to-hide is a whole number from 1 to 9999');
    settings.reportsToHide = Number(reports);
  }
  const creation = values['room-creation'];
  if (creation !== undefined) {
    if (!ROOM_CREATION.includes(creation as RoomCreation)) throw new Error(`--room-creation is one of ${ROOM_CREATION.join(', ')}`);
    settings.roomCreation = creation as RoomCreation;
  }
  const retention = values['retention-days'];
  if (retention !== undefined) settings.retentionDays = retention === 'forever' ? null : checkRetentionDays(wholeNumber(retention, '--retention-days'));
  const needId = () => {
    if (!id) throw new Error(`apps ${command} needs an app id`);
    return id;
  };

  await migrateConcurrently(db);
  const apps = new Apps(db);
  const show = (value: unknown) => print(JSON.stringify(value, null, 2));
  switch (command) {
    case 'create': {
      if (!values.name) throw new Error('apps create needs --name');
      if (!values.origin?.length) throw new Error('apps create needs at least one --origin (the site its pages are served from)');
      const app = await apps.create(values.name, values.origin, settings, values['jwks-url']);
      show(moderation ? await apps.setModeration(app.id, moderation) : app);
      return;
    }
    case 'list':
      show((await apps.list()).map(publicApp));
      return;
    case 'update': {
      const changes: AppChanges = { settings };
      if (values.name !== undefined) changes.name = values.name;
      if (values.origin) changes.origins = values.origin;
      const jwks = values['jwks-url'];
      if (jwks !== undefined) changes.jwksUrl = jwks === 'none' ? null : jwks;
      let app = await apps.update(needId(), changes);
      if (moderation) app = await apps.setModeration(app.id, moderation);
      // The hook's secret is shown when it is made (the site's receiver needs it), hidden otherwise.
      const shown = publicApp(app);
      if (moderation && (moderation.hookUrl || moderation.rotateHookSecret)) shown.settings.hookSecret = app.settings.hookSecret;
      show(shown);
      return;
    }
    case 'room-retention': {
      const appId = needId();
      await apps.get(appId).catch(() => {
        throw new Error(`No app has the id "${appId}"`);
      });
      const rooms = new Rooms(db, DEFAULT_ROOM_CODE_LENGTH);
      const room = values.room !== undefined ? await rooms.find(values.room, appId) : values.key !== undefined ? await rooms.findByKey(values.key, appId) : undefined;
      if (values.room === undefined && values.key === undefined) throw new Error('apps room-retention needs --room <code> or --key <key>');
      if (!room) throw new Error(`App ${appId} has no such room`);
      const days = values.days;
      if (days === undefined) throw new Error('apps room-retention needs --days <n>, forever or app');
      const value = days === 'app' ? null : days === 'forever' ? 0 : checkRetentionDays(wholeNumber(days, '--days'));
      await setRoomRetention(db, room, value);
      show({ room: room.code, retentionDays: value });
      return;
    }
    case 'rotate-secret':
      show(await apps.rotateSecret(needId()));
      return;
    case 'delete':
      await apps.delete(needId());
      show({ deleted: id });
      return;
    default:
      throw new Error(`Unknown apps command "${command ?? ''}"\n\n${APPS_HELP}`);
  }
}

type Flags = Record<string, string | boolean | string[] | undefined>;

/**
 * The filter and hook flags as a patch, checked by the same schema as PATCH /v1/app/settings, so
 * the CLI and the API refuse the same things (a list over filterWordsMax, a two-word entry...).
 */
function moderationFlags(values: Flags, limits: ModerationLimits) {
  const raw: Record<string, unknown> = {};
  const text = (flag: string) => values[flag] as string | undefined;
  const noneOr = <T>(flag: string, parse: (v: string) => T) => {
    const value = text(flag);
    return value === undefined ? undefined : value === 'none' ? null : parse(value);
  };
  const number = (flag: string) => (v: string) => {
    if (!/^\d+$/.test(v)) throw new Error(`${flag} is a whole number, got "${v}"`);
    return Number(v);
  };
  const words = noneOr('blocked-words', (v) => v.split(','));
  if (words !== undefined) raw.blockedWords = words ?? [];
  const file = text('blocked-words-file');
  if (file !== undefined) raw.blockedWords = readFileSync(file, 'utf8').split(/\r?\n/).filter((w) => w.trim());
  if (text('word-action') !== undefined) raw.wordAction = text('word-action');
  if (text('link-policy') !== undefined) raw.linkPolicy = text('link-policy');
  const mentions = noneOr('mentions-max', number('--mentions-max'));
  if (mentions !== undefined) raw.mentionsMax = mentions;
  const hookUrl = noneOr('hook-url', (v) => v);
  if (hookUrl !== undefined) raw.hookUrl = hookUrl;
  if (text('hook-timeout-ms') !== undefined) raw.hookTimeoutMs = number('--hook-timeout-ms')(text('hook-timeout-ms')!);
  if (text('hook-fail-mode') !== undefined) raw.hookFailMode = text('hook-fail-mode');
  if (values['rotate-hook-secret']) raw.rotateHookSecret = true;
  if (!Object.keys(raw).length) return undefined;
  const parsed = moderationPatchSchema(limits).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = String(issue.path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    throw new Error(`--${flag}: ${issue.message}`);
  }
  return parsed.data;
}
