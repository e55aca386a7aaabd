// A Roomchat webhook receiver in plain node:http: the part to copy into your own backend.
// docs/webhooks.md#verifying-a-signature explains the header.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

/** Largest body accepted; Roomchat's events are a few KB. */
const MAX_BODY_BYTES = 1024 * 1024;
/** How far the signature's time may be from ours: older requests are refused as replays. */
const TOLERANCE_SECONDS = 300;

/** Whether `header` (Roomchat-Signature: t=...,v1=...) signs `rawBody` with `secret`, recently. */
export function verified(secret, rawBody, header, now = Date.now()) {
  const parts = Object.fromEntries((header ?? '').split(',').map((part) => part.split('=', 2)));
  const t = Number(parts.t);
  if (!parts.v1 || !Number.isInteger(t) || Math.abs(now / 1000 - t) > TOLERANCE_SECONDS) return false;
  const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * An HTTP server that answers Roomchat's POSTs: 204 once an event is verified and handled, 400 for
 * a bad signature (Roomchat retries it, so a wrong secret shows in the endpoint's delivery log).
 * Delivery is at least once: an event already seen (by id) is acknowledged and not handled again.
 * `options.secret` is read on each request, so it may be changed while running (a new endpoint).
 */
export function createReceiver(options) {
  const seen = new Set();
  return createServer((req, res) => {
    if (req.method !== 'POST') return res.writeHead(405, { allow: 'POST' }).end();
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', async () => {
      const raw = Buffer.concat(chunks);
      // Verify the bytes as received, before parsing: re-serialised JSON would not match.
      if (!verified(options.secret, raw, req.headers['roomchat-signature'])) return res.writeHead(400).end('bad signature');
      const event = JSON.parse(raw.toString('utf8'));
      if (!seen.has(event.id)) {
        seen.add(event.id);
        // A real receiver keeps the ids in its database, for longer than Roomchat's retries last (24 h).
        if (seen.size > 10_000) seen.delete(seen.values().next().value);
        try {
          await options.onEvent(event);
        } catch (err) {
          seen.delete(event.id);
          console.error(err);
          return res.writeHead(500).end();
        }
      }
      res.writeHead(204).end();
    });
  });
}
