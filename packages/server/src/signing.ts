import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signatures of the requests this server sends to a site (the pre-publish hook; the webhooks of
 * issue #25 use the same scheme): `Roomchat-Signature: t=<unix seconds>,v1=<hex>`, where v1 is
 * HMAC-SHA256 with the shared secret over `<t>.<body>`. The timestamp inside the signed text lets
 * a receiver refuse replays older than a few minutes; `v1` names the scheme, so a later one can
 * be sent beside it. The same layout as Stripe's, which many receivers already know how to check.
 */
export const SIGNATURE_HEADER = 'Roomchat-Signature';

/** The signature header's value for `body`, sent at `now` (ms). */
export function signatureHeader(secret: string, body: string, now = Date.now()): string {
  const t = Math.floor(now / 1000);
  return `t=${t},v1=${hmac(secret, `${t}.${body}`)}`;
}

/**
 * Whether `header` signs `body` with `secret`, made at most `toleranceSeconds` from `now`.
 * For receivers (the tests, examples/hook-receiver): compares in constant time.
 *
 * @example
 * if (!verifySignature(req.headers['roomchat-signature'], rawBody, process.env.HOOK_SECRET)) return res.writeHead(401).end();
 */
export function verifySignature(header: string | undefined, body: string, secret: string, { toleranceSeconds = 300, now = Date.now() } = {}): boolean {
  if (!header) return false;
  const parts = new Map<string, string[]>();
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const key = part.slice(0, at).trim();
    parts.set(key, [...(parts.get(key) ?? []), part.slice(at + 1).trim()]);
  }
  const t = Number(parts.get('t')?.[0]);
  if (!Number.isInteger(t) || Math.abs(now / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(hmac(secret, `${t}.${body}`));
  return (parts.get('v1') ?? []).some((given) => given.length === expected.length && timingSafeEqual(Buffer.from(given), expected));
}

function hmac(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}
