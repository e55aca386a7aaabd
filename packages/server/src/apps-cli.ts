import { parseArgs } from 'node:util';
import { Apps, publicApp, ROOM_CREATION, type AppChanges, type AppSettings, type RoomCreation } from './auth/apps.js';
import type { Database } from './db.js';
import { migrateConcurrently } from './migrate.js';

export const APPS_HELP = `Apps (one per embedding site; every command prints JSON):
  apps create --name <n> --origin <o> [--origin ...] [--guests on|off] [--room-creation anyone|verified|none]
              [--anonymous-rest-posting on|off] [--reports-to-hide <n>] [--jwks-url <u>]
                                  prints { id, secret, ... }: keep the secret on the site's backend
  apps list                       every app, without secrets
  apps update <id> [--name <n>] [--origin <o> ...] [--guests on|off] [--room-creation ...]
              [--anonymous-rest-posting on|off] [--reports-to-hide <n>] [--jwks-url <u>|none]
                                  --origin replaces the app's list of origins
  apps rotate-secret <id>         prints the app with its new secret; tokens signed with the old one stop working
  apps delete <id>                deletes an app that has no rooms`;

const onOff = (value: string | undefined, flag: string): boolean | undefined => {
  if (value === undefined) return undefined;
  if (value !== 'on' && value !== 'off') throw new Error(`${flag} is on or off, got "${value}"`);
  return value === 'on';
};

/** `roomchat-server apps ...` on the configured database: the thin shell around auth/apps.ts. */
export async function appsCommand(db: Database, args: string[], print: (line: string) => void): Promise<void> {
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
    },
  });
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
      show(await apps.create(values.name, values.origin, settings, values['jwks-url']));
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
      show(publicApp(await apps.update(needId(), changes)));
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
