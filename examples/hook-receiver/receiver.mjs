#!/usr/bin/env node
// A site's pre-publish hook for Roomchat (docs/moderation.md#the-pre-publish-hook): node:http
// and node:crypto only. It checks the Roomchat-Signature header over the raw body, then answers
// allow, deny with a reason, or replace with a rewritten text.
//   HOOK_SECRET=hooksec_... PORT=4000 node receiver.mjs
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

/** Whether `header` (t=<unix>,v1=<hex>) signs `rawBody` with `secret`, made within `toleranceSeconds`. */
export function verified(header, rawBody, secret, toleranceSeconds = 300) {
  const fields = Object.fromEntries((header ?? '').split(',').map((part) => part.split('=', 2)));
  const t = Number(fields.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex');
  return typeof fields.v1 === 'string' && fields.v1.length === expected.length && timingSafeEqual(Buffer.from(fields.v1), Buffer.from(expected));
}

/** The site's rules: no spoilers, and card numbers never reach the room. */
export function decide({ text }) {
  if (/\bspoiler\b/i.test(text)) return { action: 'deny', reason: 'No spoilers before Friday' };
  const hidden = text.replace(/\b\d(?:[ -]?\d){12,15}\b/g, '[card number removed]');
  return hidden === text ? { action: 'allow' } : { action: 'replace', text: hidden };
}

/** The hook as an HTTP server: 401 for an unsigned or badly signed request, else the decision. */
export function createReceiver(secret) {
  return createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) {
      body += chunk;
      if (body.length > 100_000) return res.writeHead(413).end();
    }
    if (req.method !== 'POST' || !verified(req.headers['roomchat-signature'], body, secret)) return res.writeHead(401).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(decide(JSON.parse(body))));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const secret = process.env.HOOK_SECRET;
  if (!secret) throw new Error('Set HOOK_SECRET to the hook secret (roomchat-server apps update <app> --hook-url ... prints it)');
  const port = Number(process.env.PORT ?? 4000);
  createReceiver(secret).listen(port, () => console.log(`hook receiver on http://localhost:${port}/`));
}
