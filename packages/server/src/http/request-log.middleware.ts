import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

/** An incoming X-Request-Id is kept only if it is this short and plain; anything else is replaced. */
export const REQUEST_ID = /^[\w.:-]{1,64}$/;

/** What the log keeps of a request: set on the raw request once the router has matched it. */
interface Logged extends IncomingMessage {
  roomchatRoute?: string;
}

/**
 * A room code or an image id in a path is a capability (whoever has it can read the room or the
 * image), so logged paths show the route's placeholder instead; query strings (search words, paging)
 * are left out.
 */
export function loggablePath(url: string): string {
  const path = url.split('?')[0] ?? '';
  return path.replace(/^\/v1\/(rooms|images)\/[^/]+/, (_, kind: string) => `/v1/${kind}/${kind === 'rooms' ? ':code' : ':id'}`);
}

/**
 * One JSON line per HTTP request (pino-http: https://github.com/pinojs/pino-http), at `info` (5xx
 * at `error`), so the server's logLevel decides whether they are written. Each request gets an id,
 * from a well-formed X-Request-Id or a new UUID, echoed in the response's X-Request-Id. Headers are
 * not logged at all (Authorization, cookies and tokens would be), and the redaction paths guard
 * against a serializer that one day adds them.
 */
export function requestLog(log: Logger): Middleware {
  const logger = pinoHttp({
    logger: log,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: () => 'http request',
    customErrorMessage: () => 'http request failed',
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        path: loggablePath(req.url),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    // Known only once the router has run, so added when the line is written (pino-http calls this
    // at the start too, when it has nothing to add).
    customProps: (req: Logged) => (req.roomchatRoute ? { route: req.roomchatRoute } : {}),
    redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
  });
  return async (ctx, next) => {
    logger(ctx.req, ctx.res);
    ctx.state.requestId = ctx.req.id;
    try {
      await next();
    } finally {
      const route = (ctx as { _matchedRoute?: string | RegExp })._matchedRoute;
      if (typeof route === 'string') (ctx.req as Logged).roomchatRoute = route;
    }
  };
}
