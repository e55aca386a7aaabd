// The widget README's screenshots: the home view, a room, the launcher and the dark theme, at a
// phone's size (390×844) and a desktop's (1280×800), saved as palette PNGs in
// packages/widget/images/. Starts its own server and a page of another origin; needs `npm run
// build` first. Messages use no emoji: the machine that takes them has no emoji font.
//   node scripts/widget-screenshots.mjs
import { createServer } from 'node:http';
import { ChatClient } from '@roomchat/sdk';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { chromiumLaunchOptions, startChatServer } from '../packages/widget/test/chat-server.mjs';

const out = new URL('../packages/widget/images/', import.meta.url);
const chat = await startChatServer();
const page = (attrs) => `<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width,initial-scale=1"><title>Shop</title>
<style>body{margin:0;font:16px system-ui,sans-serif;background:#f3f4f6;color:#17191e}header{padding:14px 20px;background:#fff;border-bottom:1px solid #e2e5ea;font-weight:700}
main{max-width:1040px;margin:0 auto;padding:20px;display:grid;gap:20px;grid-template-columns:1fr 420px}.card{background:#fff;border-radius:12px;padding:20px;min-height:200px}
chat-room{--chat-height:660px}@media (max-width:700px){main{grid-template-columns:1fr;padding:0}.card{display:none}chat-room{--chat-height:calc(100dvh - 52px)}}
body.dark{background:#0d0f13;color:#e9ebef}body.dark header,body.dark .card{background:#15171c;border-color:#2e323b}</style></head>
<body${attrs.includes('dark') ? ' class="dark"' : ''}><header>Shop</header><main><div class="card"><h2>Order #1234</h2><p>2 items, arriving Thursday.</p></div>
<chat-room ${attrs}></chat-room></main><script src="${chat.url}/widget.js" defer></script></body></html>`;
let html = '';
const site = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(html);
});
await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${site.address().port}/`;

const bo = new ChatClient({ url: chat.url });

const browser = await chromium.launch(chromiumLaunchOptions);
const sizes = { phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 }, desktop: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 } };
const w = (p, s) => p.locator(`chat-room ${s}`);
async function save(p, name) {
  await p.waitForTimeout(300); // let the last transition end
  await sharp(await p.screenshot()).png({ palette: true, quality: 90, compressionLevel: 9, effort: 10 }).toFile(new URL(`${name}.png`, out).pathname);
  console.log(`saved ${name}.png`);
}
/** A new room for each picture: Bo from the shop has written twice; Ada joins and answers. */
async function enter(p) {
  const room = await bo.createRoom({ name: 'Bo', title: 'Order #1234' });
  for (const text of ['Hi! Your order left the warehouse this morning.', 'It should arrive on Thursday. Anything else I can help with?']) await room.send(text);
  await w(p, '#name').fill('Ada');
  await w(p, '#code').fill(room.code);
  await w(p, '#code').press('Enter');
  await w(p, '.room-code').waitFor();
  await w(p, '#input').fill('Thursday is perfect, thank you!');
  await w(p, '#input').press('Enter');
  await p.locator('chat-room .bubble', { hasText: 'Thursday is perfect' }).waitFor();
}

for (const [size, options] of Object.entries(sizes)) {
  const open = async (attrs, colorScheme = 'light') => {
    html = page(attrs);
    const p = await (await browser.newContext({ ...options, colorScheme })).newPage();
    await p.goto(origin);
    return p;
  };
  let p = await open('theme="light" greeting="Questions about your order? Ask us."');
  await w(p, '#name').waitFor();
  await save(p, `home-${size}`);
  await enter(p);
  await save(p, `room-${size}`);
  await p.context().close();

  p = await open('mode="launcher" theme="light" title-text="Ask the shop"');
  await w(p, '.launcher').click();
  await enter(p);
  await save(p, `launcher-${size}`);
  await p.context().close();

  p = await open('theme="dark"', 'dark');
  await enter(p);
  await w(p, '.invite-toggle').click();
  await w(p, '.show-qr').click();
  await w(p, 'svg.qr').waitFor();
  await save(p, `dark-${size}`);
  await p.context().close();
}
await browser.close();
bo.close();
site.close();
await chat.close();
