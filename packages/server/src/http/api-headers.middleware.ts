import type { Middleware } from 'koa';

/**
 * Headers on every /v1 response, errors included. `no-store`: answers hold room codes, names and
 * messages, which no shared cache or browser history should keep; a route that knows better (an
 * image, immutable under its id) sets its own Cache-Control, except on an error, which is never
 * stored. `nosniff`: a browser must not run a JSON answer (or an upload) as a script or page.
 * Registered outside the error middleware, so it also sees the responses errors become.
 */
export function apiHeaders(): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== '/v1' && !ctx.path.startsWith('/v1/')) return next();
    try {
      await next();
    } finally {
      ctx.set('X-Content-Type-Options', 'nosniff');
      if (ctx.status >= 400 || !ctx.response.get('Cache-Control')) ctx.set('Cache-Control', 'no-store');
    }
  };
}
