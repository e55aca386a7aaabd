// End to end: a visitor the widget never loses (issue #24), in Chromium (playwright-core) on pages
// of a site of its own origin with /widget.js from a real Roomchat server. A reload and a
// navigation to another page go back into the room as the same member (no join line, the place in
// the list kept); two tabs are one member; an invite link opens the room.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ChatClient } from '@roomchat/sdk';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions, startChatServer } from './chat-server.mjs';
import { w, watch } from './pages.mjs';

/** Short enough that "no leave after a tab closed" is checked past it without a long test. */
const GRACE_MS = 2500;

/** A site of its own origin: every path is a page with `body` in it (so /other is "another page of the site"). */
async function site(body) {
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><title>Shop ${path}</title><body><h1>Shop: ${path}</h1>${body}</body></html>`);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${server.address().port}`;
}

/** The first message row visible in the list, and its distance from the list's top edge. */
const firstVisible = (page) =>
  page.evaluate(() => {
    const list = document.querySelector('chat-room').shadowRoot.querySelector('.messages');
    const top = list.getBoundingClientRect().top;
    const row = [...list.querySelectorAll('[data-seq]')].find((r) => r.getBoundingClientRect().bottom > top);
    return { seq: Number(row.dataset.seq), offset: Math.round(row.getBoundingClientRect().top - top) };
  });

const joinLines = (page, name) => page.locator('chat-room .system-text', { hasText: `${name} joined` }).count();

describe('a visitor the widget keeps', { timeout: 120_000 }, () => {
  let chat;
  let browser;
  let bo;
  before(async () => {
    chat = await startChatServer({ presenceGraceMs: GRACE_MS });
    browser = await chromium.launch(chromiumLaunchOptions);
  });
  after(async () => {
    bo?.close();
    await browser?.close();
    await chat?.close();
  });

  /** Bo, a member over the SDK in Node, creates a room with `count` messages, and counts who joins and leaves after him. */
  async function roomWithHistory(count) {
    bo = new ChatClient({ url: chat.url });
    const room = await bo.createRoom({ name: 'Bo' });
    for (let i = 1; i <= count; i++) await room.send(`Message number ${i} about the order`);
    const seen = { joined: [], left: [] };
    room.on('member-joined', (m) => seen.joined.push(m.name));
    room.on('member-left', (m) => seen.left.push(m.name));
    return { room, seen };
  }

  it('goes back into the room after a reload and on another page: no join line, the same member, the list where it was', async () => {
    const { room, seen } = await roomWithHistory(40);
    const origin = await site(`<script src="${chat.url}/widget.js" defer></script><chat-room style="--chat-height:520px"></chat-room>`);
    const page = await (await browser.newContext({ viewport: { width: 900, height: 700 } })).newPage();
    const problems = await watch(page);
    await page.goto(`${origin}/`);
    await w(page, '#name').fill('Ada');
    await w(page, '#code').fill(room.code);
    await w(page, '#code').press('Enter');
    await w(page, '.room-code').waitFor();
    await page.locator('chat-room .bubble', { hasText: 'Message number 40 ' }).waitFor();
    assert.equal(await joinLines(page, 'Ada'), 1);

    // Read further up, then reload.
    await page.evaluate(() => {
      const list = document.querySelector('chat-room').shadowRoot.querySelector('.messages');
      list.scrollTop = list.scrollHeight / 2;
    });
    const place = await firstVisible(page);
    assert.ok(place.seq > 5, `scrolled into the middle (row ${place.seq})`);
    await page.reload();
    await w(page, '.room-code').waitFor();
    assert.equal((await w(page, '.room-code').textContent()).trim(), room.code);
    await page.locator('chat-room .bubble', { hasText: 'Message number 40 ' }).waitFor();
    await page.waitForFunction(() => document.querySelector('chat-room').shadowRoot.querySelector('.messages').scrollTop > 0);
    const back = await firstVisible(page);
    assert.equal(back.seq, place.seq, 'the same first row in view');
    assert.ok(Math.abs(back.offset - place.offset) <= 2, `at the same height (${back.offset} vs ${place.offset})`);
    assert.equal(await joinLines(page, 'Ada'), 1, 'no second join line');
    assert.notEqual(await page.evaluate(() => document.activeElement?.tagName), 'CHAT-ROOM', 'a silent return does not take the focus');

    // Another page of the site.
    await page.goto(`${origin}/other`);
    await w(page, '.room-code').waitFor();
    await page.locator('chat-room .bubble', { hasText: 'Message number 40 ' }).waitFor();
    await page.locator('chat-room .members-count', { hasText: '2 here' }).waitFor();
    assert.equal(await joinLines(page, 'Ada'), 1);
    // Sent from the page, seen by Bo; and Bo saw one join and no leave in all this.
    await w(page, '#input').fill('Still here after two page loads');
    await w(page, '#input').press('Enter');
    await new Promise((resolve) => {
      const check = () => room.messages.some((m) => m.text === 'Still here after two page loads') && resolve();
      room.on('message', check);
      check();
    });
    assert.deepEqual(seen, { joined: ['Ada'], left: [] });

    // Exiting forgets the room: the next page shows the home view.
    await w(page, '.exit').click();
    await w(page, '.exit-yes').click();
    await w(page, '#name').waitFor();
    await page.reload();
    await w(page, '#name').waitFor();
    assert.equal(await w(page, '.room-code').count(), 0);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('makes two tabs of one visitor one member (persist="local"), who stays while one tab closes', async () => {
    const { room, seen } = await roomWithHistory(1);
    const origin = await site(`<script src="${chat.url}/widget.js" defer></script><chat-room persist="local" style="--chat-height:520px"></chat-room>`);
    const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
    const first = await context.newPage();
    const problems = await watch(first);
    await first.goto(`${origin}/`);
    await w(first, '#name').fill('Rae');
    await w(first, '#code').fill(room.code);
    await w(first, '#code').press('Enter');
    await first.locator('chat-room .members-count', { hasText: '2 here' }).waitFor();

    const second = await context.newPage();
    problems.push(...(await watch(second)));
    await second.goto(`${origin}/pricing`);
    await w(second, '.room-code').waitFor();
    await second.locator('chat-room .bubble', { hasText: 'Message number 1 ' }).waitFor();
    await w(second, '.members').click();
    await second.locator('chat-room .member', { hasText: 'Rae' }).first().waitFor();
    assert.deepEqual((await w(second, '.member-name').allTextContents()).sort(), ['Bo', 'Rae'], 'Rae once');
    assert.equal(await second.locator('chat-room .member', { hasText: '(you)' }).locator('.member-name').textContent(), 'Rae');
    assert.equal((await w(second, '.members-count').textContent()).trim(), '2 here');

    // The first tab closes: past the grace period Rae is still in the room, through the second.
    await first.close();
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 1000));
    assert.deepEqual(seen, { joined: ['Rae'], left: [] });
    assert.equal(room.members.length, 2);
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('copies an invite link that opens the launcher in the room for a new visitor; the invite menu and the QR code load only when asked for', async () => {
    const { room, seen } = await roomWithHistory(1);
    const origin = await site(`<script src="${chat.url}/widget.js" defer></script><chat-room mode="launcher"></chat-room>`);
    const ada = await browser.newContext({ viewport: { width: 1000, height: 760 } });
    await ada.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    const page = await ada.newPage();
    const problems = await watch(page);
    const urls = [];
    page.on('request', (r) => urls.push(r.url()));
    await page.goto(`${origin}/products?ref=news#reviews`);
    await w(page, '.launcher').click();
    await w(page, '#name').fill('Ada');
    await w(page, '#code').fill(room.code);
    await w(page, '#code').press('Enter');
    await w(page, '.room-code').waitFor();
    assert.ok(!urls.some((u) => /\/widget\/(invite-menu|search-box|lightbox)\./.test(u)), 'the invite menu, search box and lightbox load on first use, not before');
    await w(page, '.invite-toggle').click();
    const link = await w(page, '.invite-link').inputValue();
    assert.ok(urls.some((u) => /\/widget\/invite-menu\.[\w-]+\.js$/.test(u)), 'the invite menu loaded on its first open');
    assert.equal(link, `${origin}/products?ref=news#roomchat=${room.code}`, "this page's URL with the code in its fragment");
    await w(page, '.copy-invite').click();
    await w(page, '.copy-invite', { hasText: 'Invite link copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
    await expectNoQrLoaded(urls);
    await w(page, '.show-qr').click();
    await w(page, 'svg.qr').waitFor();
    assert.equal(await w(page, 'svg.qr').getAttribute('aria-label'), 'QR code of the invite link');
    assert.ok(urls.some((u) => /\/widget\/qr\.[\w-]+\.js$/.test(u)), 'the QR module loaded on demand');

    // Bea follows the link in a browser of her own: the launcher opens on the room's code.
    const bea = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
    problems.push(...(await watch(bea)));
    await bea.goto(link);
    await w(bea, '#code').waitFor();
    assert.equal(await bea.evaluate(() => document.querySelector('chat-room').open), true, 'the launcher opened');
    assert.equal(await w(bea, '#code').inputValue(), room.code);
    assert.equal(bea.url(), `${origin}/products?ref=news`, 'the invite is taken out of the address');
    await w(bea, '#name').fill('Bea');
    await w(bea, '.join').click();
    await w(bea, '.room-code').waitFor();
    assert.equal((await w(bea, '.room-code').textContent()).trim(), room.code);
    await waitUntil(() => seen.joined.includes('Bea'));

    // A template set by the site.
    await page.evaluate(() => document.querySelector('chat-room').setAttribute('invite-url', 'https://shop.example/chat?room={code}'));
    await w(page, '.invite-link').waitFor();
    await page.waitForFunction(() => document.querySelector('chat-room').shadowRoot.querySelector('.invite-link')?.value.startsWith('https://shop.example/'));
    assert.equal(await w(page, '.invite-link').inputValue(), `https://shop.example/chat?room=${room.code}`);
    assert.deepEqual(problems, []);
    await ada.close();
    await bea.context().close();
  });
});

function expectNoQrLoaded(urls) {
  assert.ok(!urls.some((u) => /\/widget\/qr\./.test(u)), 'no QR code asked for yet: its module is not loaded');
}

/** Waits for `check` to hold, polling the Node side (SDK state) every 50 ms, for up to 10 s. */
async function waitUntil(check) {
  for (let waited = 0; !check(); waited += 50) {
    if (waited > 10_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
