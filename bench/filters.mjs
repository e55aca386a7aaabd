// What the per-app filters cost on each send (issue #23): the moderation gate, as the send path awaits it,
// on messages of typical and maximal size, against an empty list and a full one (filterWordsMax).
// Not part of `npm run bench`'s scenarios: a micro-benchmark of one function, on one core.
//   npm run build && node bench/filters.mjs
import { ModerationGate } from '../packages/server/dist/src/moderation/gate.js';
import { NO_MODERATION } from '../packages/server/dist/src/moderation/settings.js';
import { DEFAULT_CONFIG } from '../packages/server/dist/src/config.js';
import { pino } from 'pino';

const words = Array.from({ length: 1000 }, (_, i) => `word${i}`);
const messages = {
  'short (62 chars, ASCII)': 'hey, are we still on for lunch tomorrow? I can do 12:30 or 1pm',
  'short (60 chars, accents + emoji)': 'On se voit à midi ? Le café près de la gare 👍 Ça marche ✨',
  'long (4000 chars)': 'the quick brown fox jumps over the lazy dog. '.repeat(89).slice(0, 4000),
};
const cases = {
  'no filters (the gate skips)': NO_MODERATION,
  '1000 words, block': { ...NO_MODERATION, blockedWords: words },
  '1000 words, mask (one hit)': { ...NO_MODERATION, blockedWords: [...words, 'lunch', 'café', 'fox'], wordAction: 'mask' },
  'link policy deny': { ...NO_MODERATION, linkPolicy: 'deny' },
  'all: words, links, mention cap': { ...NO_MODERATION, blockedWords: words, linkPolicy: 'verified', mentionsMax: 5 },
};


/** The whole gate as a send meets it (the app's cached record, filters, no hook), awaited like the send path awaits it. */
async function perReview(settings, text, minMs = 300) {
  const app = { id: 'bench', settings: { guestsAllowed: true, roomCreation: 'anyone', anonymousRestPosting: true, ...(settings ?? NO_MODERATION) } };
  const gate = new ModerationGate({ find: () => Promise.resolve(app) }, DEFAULT_CONFIG, pino({ level: 'silent' }));
  const review = { kind: 'message', room: { id: 1, appId: 'bench', code: 'ROOM', createdAt: '' }, author: { name: 'Ann', id: 'm1' }, text, mentions: async () => 1 };
  const once = () => gate.review(review).then((p) => p.done(), () => undefined);
  for (let i = 0; i < 2000; i++) await once();
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  while (elapsed < BigInt(minMs) * 1_000_000n) {
    for (let i = 0; i < 200; i++) await once();
    n += 200;
    elapsed = process.hrtime.bigint() - start;
  }
  return Number(elapsed) / n / 1000;
}

const rows = [];
for (const [caseName, settings] of Object.entries(cases)) {
  const row = { case: caseName };
  for (const [messageName, text] of Object.entries(messages)) {
    row[messageName] = (await perReview(settings, text)).toFixed(2);
  }
  rows.push(row);
}
console.log(`ModerationGate.review per message (the app's cached record, then its filters; no hook), µs (node ${process.version}, ${new Date().toISOString()})\n`);
console.log(`| case | ${Object.keys(messages).join(' | ')} |`);
console.log(`|---|${Object.keys(messages).map(() => '---:').join('|')}|`);
for (const row of rows) console.log(`| ${row.case} | ${Object.keys(messages).map((m) => row[m]).join(' | ')} |`);
