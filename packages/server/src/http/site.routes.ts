import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Router from '@koa/router';
import type { Context } from 'koa';
import { ErrorCode } from '@roomchat/protocol';
import { ChatError } from '../errors.js';
import type { Database } from '../db.js';
import { pingDatabase } from '../db.js';

/** The demo page is served with this policy, which the widget is built to work under. */
export const DEMO_PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'self'";

/** The admin page's policy: its own scripts and API only, never framed (docs/admin.md). */
export const ADMIN_PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const PUBLIC_DIR = new URL('../../../public/', import.meta.url);

interface StaticFile {
  body: Buffer;
  etag: string;
}

/** Reads a file once, on first request; a missing file is retried on the next request. */
function cachedFile(locate: () => string | URL): () => Promise<StaticFile | undefined> {
  let file: StaticFile | undefined;
  return async () => {
    if (file) return file;
    try {
      const body = await readFile(locate());
      file = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
      return file;
    } catch {
      return undefined;
    }
  };
}

const ORIGIN_PLACEHOLDER = 'https://your-server';
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The demo page with its placeholder origin replaced (HTML-escaped: the Host header is the client's). */
function withOrigin(file: StaticFile, origin: string): StaticFile {
  const escaped = origin.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
  const body = Buffer.from(file.body.toString('utf8').replaceAll(ORIGIN_PLACEHOLDER, escaped));
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

function send(ctx: Context, file: StaticFile, type: string, cacheControl: string): void {
  ctx.type = type;
  ctx.etag = file.etag;
  ctx.set('Cache-Control', cacheControl);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.status = 200; // koa judges freshness only for a 2xx response
  if (ctx.fresh) ctx.status = 304;
  else ctx.body = file.body;
}

/** A file of the widget's rest (`chat-room.[hash].js`, a language chunk, their source maps): no paths. */
const WIDGET_FILE = /^[\w-]+\.[\w-]+\.js(\.map)?$/;

/** GET /healthz, the widget's loader at /widget.js and the rest under /widget/, the demo page at /, the admin page at /admin. */
export function siteRouter({ db }: { db: Database }): Router {
  const router = new Router();
  const widgetPath = () => createRequire(import.meta.url).resolve('@roomchat/widget/widget.js');
  const widget = cachedFile(widgetPath);
  const widgetFiles = new Map<string, () => Promise<StaticFile | undefined>>();
  const demoPage = cachedFile(() => new URL('index.html', PUBLIC_DIR));
  const demoStyles = cachedFile(() => new URL('demo.css', PUBLIC_DIR));
  const adminPage = cachedFile(() => new URL('admin.html', PUBLIC_DIR));
  const adminStyles = cachedFile(() => new URL('admin.css', PUBLIC_DIR));
  // The admin app is built beside the widget (packages/widget/src/admin/), but as its own bundle.
  const adminBundle = cachedFile(() => join(dirname(widgetPath()), 'admin.js'));

  // No Referer leaves the demo page: the room code can sit in its URL, and nothing on this server
  // reads Referer. It does not blank the Origin header that the origin check reads: fetch() and
  // XHR are "cors" mode requests, whose Origin no referrer policy changes
  // (https://fetch.spec.whatwg.org/#append-a-request-origin-header). Set before the route runs,
  // so its errors carry it too.
  router.use(async (ctx, next) => {
    ctx.set('Referrer-Policy', 'no-referrer');
    await next();
  });

  router.get('/healthz', async (ctx) => {
    const database = await pingDatabase(db);
    ctx.status = database ? 200 : 503;
    ctx.body = { status: database ? 'ok' : 'degraded', database: database ? 'ok' : 'unreachable' };
  });

  router.get('/widget.js', async (ctx) => {
    const file = await widget();
    if (!file) throw new ChatError(ErrorCode.NOT_FOUND, 'The widget bundle is not built: run `npm run build`');
    // Short max-age: the URL is not versioned, and the ETag makes revalidation cheap.
    send(ctx, file, 'application/javascript; charset=utf-8', 'public, max-age=300');
    ctx.set('Access-Control-Allow-Origin', '*');
    ctx.set('Cross-Origin-Resource-Policy', 'cross-origin');
  });

  // The rest of the widget, which the loader imports: hashed names, so cached for good. An ES
  // module fetched from the page's origin in CORS mode, hence Access-Control-Allow-Origin.
  router.get('/widget/:file', async (ctx) => {
    const name = ctx.params.file ?? '';
    let file: StaticFile | undefined;
    if (WIDGET_FILE.test(name)) {
      let read = widgetFiles.get(name);
      if (!read) widgetFiles.set(name, (read = cachedFile(() => join(dirname(widgetPath()), 'widget', name))));
      file = await read();
      if (!file) widgetFiles.delete(name);
    }
    if (!file) throw new ChatError(ErrorCode.NOT_FOUND, 'No such widget file');
    const type = name.endsWith('.map') ? 'application/json; charset=utf-8' : 'application/javascript; charset=utf-8';
    send(ctx, file, type, 'public, max-age=31536000, immutable');
    ctx.set('Access-Control-Allow-Origin', '*');
    ctx.set('Cross-Origin-Resource-Policy', 'cross-origin');
  });

  router.get('/', async (ctx) => {
    const file = await demoPage();
    if (!file) throw new ChatError(ErrorCode.NOT_FOUND, 'The demo page is missing');
    // The embed snippet names the address the visitor reached this page at, so it can be copied
    // as it is. Filled in here because the page's CSP allows no inline script.
    send(ctx, withOrigin(file, `${ctx.protocol}://${ctx.host}`), 'text/html; charset=utf-8', 'no-cache');
    ctx.set('Content-Security-Policy', DEMO_PAGE_CSP);
  });

  router.get('/demo.css', async (ctx) => {
    const file = await demoStyles();
    if (!file) throw new ChatError(ErrorCode.NOT_FOUND, 'The demo styles are missing');
    send(ctx, file, 'text/css; charset=utf-8', 'no-cache');
  });

  // The admin page (docs/admin.md): static; everything it shows comes from the admin API, with
  // the token the visitor pastes. Not cached by shared caches, never framed.
  router.get('/admin', async (ctx) => {
    const file = await adminPage();
    if (!file) throw new ChatError(ErrorCode.NOT_FOUND, 'The admin page is missing');
    send(ctx, file, 'text/html; charset=utf-8', 'no-cache');
    ctx.set('Content-Security-Policy', ADMIN_PAGE_CSP);
    ctx.set('X-Frame-Options', 'DENY');
  });

  router.get('/admin.js', async (ctx) => {
    const file = await adminBundle();
    if (!file) throw new ChatError(ErrorCode.NOT_FOUND, 'The admin bundle is not built: run `npm run build`');
    send(ctx, file, 'application/javascript; charset=utf-8', 'no-cache');
  });

  router.get('/admin.css', async (ctx) => {
    const file = await adminStyles();
    if (!file) throw new ChatError(ErrorCode.NOT_FOUND, 'The admin styles are missing');
    send(ctx, file, 'text/css; charset=utf-8', 'no-cache');
  });

  return router;
}
