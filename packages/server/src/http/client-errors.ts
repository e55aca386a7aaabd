import { STATUS_CODES, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { ErrorCode } from '@roomchat/protocol';
import { ChatError, toErrorPayload } from '../errors.js';

/**
 * Answers what Node's HTTP parser refuses before Koa sees a request (a request timeout, malformed
 * or oversized headers) with the same `{ error: { code, message } }` shape as every other error,
 * where Node would write a bare `408 Request Timeout` or `400 Bad Request`. Node emits these as
 * 'clientError' (https://nodejs.org/api/http.html#event-clienterror), and a listener replaces its
 * default answer and its closing of the connection, so this one does both, and never writes a
 * second answer into a response already under way.
 */
export function answerClientErrors(httpServer: HttpServer, log: Logger): void {
  httpServer.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const res = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || res?.headersSent) {
      socket.destroy();
      return;
    }
    if (res && res.req.complete && err.code !== 'ERR_HTTP_REQUEST_TIMEOUT') {
      // The request in hand arrived whole: the bad bytes came after it (a body a HEAD or GET may
      // not have, pipelined garbage). It gets its own answer, then the connection closes.
      res.shouldKeepAlive = false;
      res.once('close', () => socket.destroySoon());
      return;
    }
    log.debug({ err }, 'http client error');
    const error =
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new ChatError(ErrorCode.REQUEST_TIMEOUT, 'The request did not arrive in time')
        : err.code === 'HPE_HEADER_OVERFLOW'
          ? new ChatError(ErrorCode.PAYLOAD_TOO_LARGE, 'The request headers are too large')
          : new ChatError(ErrorCode.INVALID_PAYLOAD, 'The request is not valid HTTP');
    const body = JSON.stringify({ error: toErrorPayload(error) });
    const headers = {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      Connection: 'close',
    };
    if (res) {
      // A handler is waiting for this request's body (which will not come): answer in its place;
      // Koa writes nothing once the response has ended.
      res.writeHead(error.status, headers).end(body, () => socket.destroySoon());
      return;
    }
    const fields = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
    // The answer to a HEAD has no body (a client would read it as the start of another response);
    // the parser's error carries the bytes it refused, which start with the method.
    const isHead = (err as { rawPacket?: Buffer }).rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
    socket.write(`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\n${fields}\r\n${isHead ? '' : body}`);
    // Closes once the answer is flushed, without waiting for the client's half of the connection.
    socket.destroySoon();
  });
}

/**
 * Closes the connection after a response given before the request's body has arrived: a route
 * that does not read the body (POST /v1/rooms), or an error raised before reading it. Node would
 * otherwise keep the connection to read the rest for keep-alive, and a client that never sends it
 * would get a second, unasked-for answer (the 408 above) after the first.
 */
export function closeUnfinishedRequests(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      if (!ctx.req.complete) ctx.set('Connection', 'close');
    }
  };
}
