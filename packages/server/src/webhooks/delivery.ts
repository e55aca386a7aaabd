import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { publicOnlyLookup } from './addresses.js';

/** What came of one POST: the receiver's status if it answered, else what went wrong. */
export interface PostResult {
  status: number | undefined;
  error: string | undefined;
}

export interface PostOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  allowPrivateAddresses: boolean;
  /** Aborts the request (the server is closing). */
  signal: AbortSignal;
}

/** At most this much of a receiver's answer is read (for the log's error text); the rest is discarded. */
const ANSWER_KEPT_BYTES = 200;

/**
 * POSTs a body to a webhook URL with node:http(s): redirects are not followed (a 3xx is a failed
 * attempt), the whole exchange is bounded by `timeoutMs`, and with private addresses refused the
 * DNS answer itself is checked (addresses.ts), so a public name cannot lead inside.
 */
export function post(url: string, body: string, options: PostOptions): Promise<PostResult> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    // A timer and a listener of their own, not AbortSignal.any(): on Node 20 every composite signal
    // stays referenced by the long-lived stop signal until it aborts, so one per delivery would pile up.
    let cut: string | undefined;
    const stop = (why: string) => {
      cut ??= why;
      req.destroy(new Error(why));
    };
    const timer = setTimeout(() => stop(`no answer within ${options.timeoutMs} ms`), options.timeoutMs);
    const onStop = () => stop('aborted: the server is stopping');
    options.signal.addEventListener('abort', onStop, { once: true });
    let settled = false;
    const done = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onStop);
      resolve(result);
    };
    const req = send(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Roomchat-Webhooks/1', ...options.headers },
        ...(options.allowPrivateAddresses ? {} : { lookup: publicOnlyLookup }),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let kept = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (kept.length < ANSWER_KEPT_BYTES) kept += chunk.slice(0, ANSWER_KEPT_BYTES - kept.length);
        });
        res.on('end', () => done({ status, error: status >= 200 && status < 300 ? undefined : `HTTP ${status}${kept ? `: ${kept}` : ''}` }));
        res.on('error', (err) => done({ status, error: cut ?? err.message }));
      },
    );
    req.on('error', (err) => done({ status: undefined, error: cut ?? err.message }));
    if (options.signal.aborted) onStop();
    req.end(body);
  });
}
