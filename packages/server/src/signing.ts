import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signatures of what the server sends to a site's backend (webhooks, and hooks it calls), in one
 * header, as Stripe signs its webhooks: `Roomchat-Signature: t=<unix seconds>,v1=<hex>`, where
 * the hex is HMAC-SHA256 with the shared secret over `<t>.<body>`. The timestamp inside the MAC
 * lets a receiver refuse replays older than a few minutes; `v1` names the scheme so a later one
 * can be sent beside it during a change. docs/webhooks.md#verifying-a-signature shows a receiver.
 */
export const SIGNATURE_HEADER = 'Roomchat-Signature';

/** How far a signature's timestamp may be from the receiver's clock, by default: 5 minutes. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

function mac(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/**
 * The header value signing `body` with `secret` at `now` (milliseconds, as Date.now()).
 *
 * @example
 * headers['Roomchat-Signature'] = sign(endpoint.secret, body, Date.now());
 */
export function sign(secret: string, body: string | Buffer, now: number): string {
  const timestamp = Math.floor(now / 1000);
  return `t=${timestamp},v1=${mac(secret, timestamp, body)}`;
}

/**
 * Whether `header` is a valid signature of `body` with `secret`, made within `toleranceSeconds`
 * of `now`. Any `v1` of the header may match (several are sent while a secret is rotated);
 * compared in constant time. A malformed header is simply not valid.
 */
export function verify(secret: string, body: string | Buffer, header: string | undefined, now: number, toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS): boolean {
  if (!header || header.length > 4096) return false;
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) candidates.push(value);
  }
  if (timestamp === undefined || !candidates.length) return false;
  if (Math.abs(now / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(mac(secret, timestamp, body), 'hex');
  return candidates.some((candidate) => timingSafeEqual(Buffer.from(candidate, 'hex'), expected));
}
