// The README's screenshot: two visitors chatting on the demo page of a running server, saved as a
// palette PNG (about 40 KB; keep it under 150).
//   npm start, then: node scripts/screenshot.mjs http://localhost:3000/ docs/images/demo.png
import { chromium } from 'playwright-core';
import sharp from 'sharp';
const url = process.argv[2];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const opts = { viewport: { width: 1120, height: 680 }, colorScheme: 'light', deviceScaleFactor: 1 };
const a = await (await browser.newContext(opts)).newPage();
const b = await (await browser.newContext(opts)).newPage();
const w = (p, s) => p.locator(`chat-room ${s}`);
await a.goto(url); await b.goto(url);
await w(a, '#name').fill('Ada');
await w(a, '.create').click();
await w(a, '.code').first().waitFor().catch(() => {});
await a.waitForTimeout(800);
const code = await a.locator('chat-room').evaluate((el) => el.room);
await w(b, '#name').fill('Bob');
await w(b, '#code').fill(code);
await w(b, '#code').press('Enter');
await a.locator('chat-room .system-text', { hasText: 'Bob joined' }).waitFor();
await w(b, '#input').fill('Hi Ada! Is this the room for the launch plan?');
await w(b, '#input').press('Enter');
await a.locator('chat-room .bubble', { hasText: 'launch plan' }).waitFor();
await w(a, '#input').fill('Yes! Paste images straight in, too.');
await w(a, '#input').press('Enter');
await b.locator('chat-room .bubble', { hasText: 'Paste images' }).waitFor();
await w(b, '#input').fill('Perfect, see you at 3.');
await w(b, '#input').press('Enter');
await a.locator('chat-room .bubble', { hasText: 'see you at 3' }).waitFor();
await a.waitForTimeout(500);
const png = await a.screenshot();
await sharp(png).png({ palette: true, quality: 90, compressionLevel: 9, effort: 10 }).toFile(process.argv[3] ?? 'demo.png');
await browser.close();
console.log(`Saved ${process.argv[3] ?? 'demo.png'} (room ${code})`);
