// End to end: one connection for all the tabs of a site (issue #24, docs/decisions/0014), in
// Chromium (playwright-core). Five tabs of one browser show the widget in one room: the server
// sees one WebSocket from the site, every tab shows what is said and can speak, and closing the
// tab that holds the connection hands it to another with no message lost and no join or leave.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ChatClient } from '@roomchat/sdk';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions, startChatServer } from './chat-server.mjs';
import { w, watch } from './pages.mjs';

/** Short, so that "no leave after the leader tab closed" is checked past it without a long test. */
const GRACE_MS = 1500;
const TABS = 5;

async function site(body) {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><title>Shop</title><body><h1>Shop</h1>${body}</body></html>`);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${server.address().port}`;
}

/** Waits for `check` to hold, polling the Node side every 50 ms, for up to 10 s. */
async function waitUntil(check, what) {
  for (let waited = 0; !check(); waited += 50) {
    if (waited > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const bubble = (page, text) => page.locator('chat-room .bubble', { hasText: text });
const lines = (page, text) => page.locator('chat-room .system-text', { hasText: text }).count();

describe('one connection for the tabs of a site', { timeout: 120_000 }, () => {
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

  /** The server's sockets opened by pages of `origin`, and the rooms each is in. */
  const socketsFrom = (origin) => [...chat.server.io.of('/').sockets.values()].filter((s) => s.handshake.headers.origin === origin);

  async function setUp(attributes) {
    bo = new ChatClient({ url: chat.url });
    const room = await bo.createRoom({ name: 'Bo' });
    const seen = { joined: [], left: [] };
    room.on('member-joined', (m) => seen.joined.push(m.name));
    room.on('member-left', (m) => seen.left.push(m.name));
    const origin = await site(`<script src="${chat.url}/widget.js" defer></script><chat-room ${attributes} style="--chat-height:480px"></chat-room>`);
    const context = await browser.newContext({ viewport: { width: 800, height: 640 } });
    const pages = [];
    const problems = [];
    /** The pages that opened a WebSocket to the chat server, in order. */
    const opened = [];
    const open = async (path = '/') => {
      const page = await context.newPage();
      problems.push(...(await watch(page)));
      page.on('websocket', (ws) => ws.url().startsWith(chat.url.replace('http', 'ws')) && opened.push(page));
      await page.goto(`${origin}${path}`);
      pages.push(page);
      return page;
    };
    return { room, seen, origin, context, pages, problems, opened, open };
  }

  it('gives five tabs one WebSocket; every tab shows and sends; closing the leader tab hands over with nothing lost and no join or leave', async () => {
    const { room, seen, origin, context, pages, problems, opened, open } = await setUp('persist="local"');
    const first = await open();
    await w(first, '#name').fill('Rae');
    await w(first, '#code').fill(room.code);
    await w(first, '#code').press('Enter');
    await first.locator('chat-room .members-count', { hasText: '2 here' }).waitFor();
    for (let i = 1; i < TABS; i++) {
      const page = await open(`/page-${i}`);
      await w(page, '.room-code').waitFor();
      await page.locator('chat-room .members-count', { hasText: '2 here' }).waitFor();
    }
    assert.equal(socketsFrom(origin).length, 1, 'one connection from the site on the server');
    assert.equal(opened.length, 1, 'one WebSocket opened by the five tabs');
    assert.equal(opened[0], first, 'by the first tab, the leader');
    assert.deepEqual(seen, { joined: ['Rae'], left: [] });

    // Every tab shows what Bo says, and speaks.
    await room.send('Hello to every tab');
    for (const page of pages) await bubble(page, 'Hello to every tab').waitFor();
    for (const [i, page] of pages.entries()) {
      await w(page, '#input').fill(`From tab ${i}`);
      await w(page, '#input').press('Enter');
    }
    await waitUntil(() => pages.every((_, i) => room.messages.some((m) => m.text === `From tab ${i}`)), "every tab's message at Bo's");
    for (const page of pages) for (let i = 0; i < TABS; i++) await bubble(page, `From tab ${i}`).waitFor();

    // The leader tab closes while Bo speaks: another tab takes the connection over.
    const before = socketsFrom(origin)[0];
    await first.close();
    await room.send('Said during the handover');
    const rest = pages.slice(1);
    for (const page of rest) await bubble(page, 'Said during the handover').waitFor();
    await waitUntil(() => socketsFrom(origin).length === 1 && socketsFrom(origin)[0] !== before && socketsFrom(origin)[0].data.memberships?.has(room.code), 'the new leader to be in the room');
    assert.equal(opened.length, 2, 'one new WebSocket, from the new leader');
    assert.ok(rest.includes(opened[1]));
    await w(rest[2], '#input').fill('After the handover');
    await w(rest[2], '#input').press('Enter');
    await waitUntil(() => room.messages.some((m) => m.text === 'After the handover'), 'the message sent after the handover');
    for (const page of rest) await bubble(page, 'After the handover').waitFor();

    // Past the grace period of the old connection: Rae never left, and no tab shows a join or leave line of hers but the first.
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 500));
    assert.deepEqual(seen, { joined: ['Rae'], left: [] });
    assert.equal(room.members.length, 2);
    for (const page of rest) {
      assert.equal(await lines(page, 'Rae joined'), 1);
      assert.equal(await lines(page, 'Rae left'), 0);
      assert.equal(await bubble(page, 'Said during the handover').count(), 1, 'shown once');
    }
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('makes a second tab joining under the same name the same member over the same WebSocket; one tab exiting keeps the room, the last one leaves', async () => {
    const { room, seen, origin, context, problems, open } = await setUp('');
    const tabs = [];
    for (let i = 0; i < 2; i++) {
      const page = await open(`/tab-${i}`);
      await w(page, '#name').fill('Sol');
      await w(page, '#code').fill(room.code);
      await w(page, '#code').press('Enter');
      await page.locator('chat-room .members-count', { hasText: '2 here' }).waitFor();
      tabs.push(page);
    }
    assert.equal(socketsFrom(origin).length, 1);
    assert.deepEqual(seen, { joined: ['Sol'], left: [] }, 'the second tab is the same member, joined once');

    await w(tabs[1], '.exit').click();
    await w(tabs[1], '.exit-yes').click();
    await w(tabs[1], '#name').waitFor();
    // Still a member through the first tab: it sends, and Bo sees no leave.
    await w(tabs[0], '#input').fill('Still here in the other tab');
    await w(tabs[0], '#input').press('Enter');
    await waitUntil(() => room.messages.some((m) => m.text === 'Still here in the other tab'), 'the message of the tab that stayed');
    assert.deepEqual(seen.left, []);

    await w(tabs[0], '.exit').click();
    await w(tabs[0], '.exit-yes').click();
    await waitUntil(() => seen.left.length === 1, 'the leave of the last tab');
    assert.deepEqual(seen, { joined: ['Sol'], left: ['Sol'] });
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('keeps a connection per tab with share-connection="off"', async () => {
    const { room, origin, context, problems, opened, open } = await setUp('persist="none" share-connection="off"');
    for (let i = 0; i < 2; i++) {
      const page = await open(`/own-${i}`);
      await w(page, '#name').fill('Ivo');
      await w(page, '#code').fill(room.code);
      await w(page, '#code').press('Enter');
      await w(page, '.room-code').waitFor();
    }
    assert.equal(socketsFrom(origin).length, 2);
    assert.equal(opened.length, 2);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
