import Router from '@koa/router';
import { z } from 'zod';
import type { Apps } from '../auth/apps.js';
import type { ChatServerConfig } from '../config.js';
import type { Database } from '../db.js';
import { parsePayload } from '../schemas.js';
import { requestState, appOnly } from './app.middleware.js';

interface Deps {
  db: Database;
  apps: Apps;
  config: ChatServerConfig;
}

/** The query of GET /v1/admin/rooms: an optional code or key (a key's prefix finds it too). */
export const adminRoomsQuery = z.object({ q: z.string().trim().max(256).optional() });

/** A room as the admin page lists it. */
export interface AdminRoom {
  code: string;
  key: string | null;
  title: string | null;
  private: boolean;
  messages: number;
  openReports: number;
  lastActivityAt: string;
  createdAt: string;
}

/**
 * What the admin page (/admin, docs/admin.md) needs beyond the server-to-server API: who the
 * caller is, the apps it may pick, and the app's rooms by last activity. An admin token or the
 * app secret, like every server-to-server route; the rest of the page uses those routes.
 */
export function adminRouter({ db, apps, config }: Deps): Router {
  const router = new Router({ prefix: '/v1/admin' });
  router.use(appOnly);

  router.get('/session', (ctx) => {
    const { app, admin } = requestState(ctx);
    ctx.body = { app: { id: app.id, name: app.name }, serverAdmin: admin?.server === true };
  });

  // A server admin picks among every app; anyone else sees only the app they hold.
  router.get('/apps', async (ctx) => {
    const { app, admin } = requestState(ctx);
    const listed = admin?.server ? await apps.list() : [app];
    ctx.body = { apps: listed.map((a) => ({ id: a.id, name: a.name })) };
  });

  router.get('/rooms', async (ctx) => {
    const { app } = requestState(ctx);
    const { q } = parsePayload(adminRoomsQuery, ctx.query);
    ctx.body = { rooms: await roomsByActivity(db, app.id, q || undefined, config.moderationPageSize) };
  });

  return router;
}

/** The app's rooms, most recently active first, with their message and open report counts. */
async function roomsByActivity(db: Database, appId: string, q: string | undefined, limit: number): Promise<AdminRoom[]> {
  const lastActivity = db.raw('coalesce((select max(m.created_at) from messages m where m.room_id = rooms.id), rooms.created_at)');
  const query = db('rooms')
    .where('rooms.app_id', appId)
    .select(
      'rooms.code',
      'rooms.key',
      'rooms.title',
      'rooms.is_private',
      'rooms.created_at',
      db.raw(`${lastActivity.toQuery()} as last_activity`),
      db.raw("(select count(*) from messages m where m.room_id = rooms.id and m.kind in ('text', 'image') and m.deleted_at is null) as message_count"),
      db.raw('(select count(distinct r.message_id) from message_reports r where r.room_id = rooms.id and r.decided_at is null) as open_reports'),
    )
    .orderBy([{ column: 'last_activity', order: 'desc' }, { column: 'rooms.id', order: 'desc' }])
    .limit(limit);
  if (q) {
    // A code exactly (codes are upper case), or a key from its start; LIKE's wildcards escaped.
    const prefix = `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query.where((w) => w.whereIn('rooms.code', [q, q.toUpperCase()]).orWhereRaw("rooms.key like ? escape '\\'", [prefix]));
  }
  const rows = (await query) as Array<Record<string, unknown>>;
  return rows.map((r) => ({
    code: String(r.code),
    key: r.key == null ? null : String(r.key),
    title: r.title == null ? null : String(r.title),
    private: r.is_private === true || r.is_private === 1,
    messages: Number(r.message_count),
    openReports: Number(r.open_reports),
    lastActivityAt: new Date(Number(r.last_activity)).toISOString(),
    createdAt: new Date(Number(r.created_at)).toISOString(),
  }));
}
