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
});
