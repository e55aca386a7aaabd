import type { Context, Middleware } from 'koa';
import { ErrorCode } from '@roomchat/protocol';
import { ChatError } from '../errors.js';

/** Methods that change state. GET, HEAD and OPTIONS only read, so any origin may send them. */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Whether a request carrying `Origin: origin` may change state. No Origin header: not a browser
 * page (a backend, curl), which CORS never concerned. The request's own origin (a page this
 * server serves, e.g. the demo) is compared by host, as Go's CrossOriginProtection does
 * (https://pkg.go.dev/net/http#CrossOriginProtection), so a TLS-terminating proxy's scheme change
 * does not refuse it; a browser cannot forge the Host of a cross-origin request.
 */
export function originAllowed(allowlist: readonly string[], origin: string | undefined, ctx: Pick<Context, 'host'>): boolean {
  if (origin === undefined || allowlist.includes('*') || allowlist.includes(origin)) return true;
  try {
    return origin !== 'null' && new URL(origin).host === ctx.host;
  } catch {
    return false; // not a URL: no browser sends that
  }
}

/**
 * Refuses state-changing requests from web pages outside the allowlist with 403
 * ORIGIN_NOT_ALLOWED. CORS alone does not stop them: a form or a `text/plain` fetch is a "simple"
 * request that the browser sends without a preflight (it only hides the answer), so a page on any
 * site could create rooms and upload images with its visitors' addresses
 * (https://fetch.spec.whatwg.org/#cors-safelisted-request-header). Browsers send `Origin` on every
 * POST, PUT, PATCH and DELETE, so checking it here closes that. Runs before the routes, so a
 * refused request costs no rate-limit budget and reads no body.
 *
 * `allowlist` is read per request: the request's app's origins (http/app.middleware.ts).
 */
export function originCheck(allowlist: (ctx: Context) => readonly string[]): Middleware {
  return async (ctx, next) => {
    if (STATE_CHANGING.has(ctx.method) && !originAllowed(allowlist(ctx), ctx.get('Origin') || undefined, ctx)) {
      throw new ChatError(ErrorCode.ORIGIN_NOT_ALLOWED, 'This origin may not change anything on this server');
    }
    await next();
  };
}
