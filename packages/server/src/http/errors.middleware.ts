import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { ErrorCode } from '@roomchat/protocol';
import { ChatError, toChatError, toErrorPayload } from '../errors.js';

/** Client errors raised by koa and body parsers, by HTTP status. */
const CODE_FOR_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.INVALID_PAYLOAD,
  404: ErrorCode.NOT_FOUND,
  405: ErrorCode.METHOD_NOT_ALLOWED,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
};

/**
 * The one place errors become HTTP responses: `{ error: { code, message } }` with the status that
 * fits the code. 5xx details are logged, never sent.
 */
export function errorResponses(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new ChatError(ErrorCode.NOT_FOUND, `No route for ${ctx.method} ${ctx.path}`);
      // The routers' allowedMethods() set these with an Allow header, which stays. A method no
      // router knows (501 there) is one this route does not allow either.
      if ((ctx.status === 405 || ctx.status === 501) && ctx.body == null) {
        throw new ChatError(ErrorCode.METHOD_NOT_ALLOWED, `${ctx.method} is not allowed on ${ctx.path}; allowed: ${ctx.response.get('Allow') || 'none'}`);
      }
    } catch (thrown) {
      const error = fromHttpError(thrown) ?? toChatError(thrown, log);
      ctx.status = error.status;
      if (error.retryAfterMs !== undefined) ctx.set('Retry-After', String(Math.ceil(error.retryAfterMs / 1000)));
      ctx.body = { error: toErrorPayload(error) };
    }
  };
}

/**
 * Errors from koa's ctx.throw, raw-body and the JSON parser carry a 4xx status: the client's fault,
 * and safe to describe (co-body does not set `expose` on its parse errors, so the status decides).
 */
function fromHttpError(thrown: unknown): ChatError | undefined {
  const e = thrown as { status?: number; message?: string } | undefined;
  if (!e || thrown instanceof ChatError || typeof e.status !== 'number' || e.status < 400 || e.status >= 500) return undefined;
  const code = CODE_FOR_STATUS[e.status] ?? ErrorCode.INVALID_PAYLOAD;
  const message = code === ErrorCode.PAYLOAD_TOO_LARGE ? 'The request body is too large' : (e.message ?? 'Bad request');
  return new ChatError(code, message);
}
