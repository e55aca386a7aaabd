// End to end, direct messages between guests (issue #22), in Chromium (playwright-core): two
// visitors of one code room, each in a browser of its own, on a site of its own origin. One opens a
// direct conversation from the member list ("Message"); the other sees it in its conversations
// list with an unread count without having opened it, opens it, and both switch back to the room.
// A reload goes back into the direct room as the same member.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions, startChatServer } from './chat-server.mjs';
import { w, watch } from './pages.mjs';

async function site(body) {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><title>Shop</title><body>${body}</body></html>`);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${server.address().port}`;
}

const roomCode = (page) => w(page, '#room-code').textContent();
const bubble = (page, text) => page.locator('chat-room .msg[data-id] .bubble', { hasText: text });

describe('direct messages from the member list', { timeout: 90_000 }, () => {
  let chat;
  let browser;
  before(async () => {
    chat = await startChatServer();
    browser = await chromium.launch(chromiumLaunchOptions);
  });
  after(async () => {
    await browser?.close();
    await chat?.close();
  });

  it('a guest messages another from the member list; the other sees it unread in its conversations, opens it, and both switch back', async () => {
    const origin = await site(`<script src="${chat.url}/widget.js" defer></script><chat-room persist="local" style="--chat-height:560px"></chat-room>`);
    const ann = await (await browser.newContext({ viewport: { width: 900, height: 720 } })).newPage();
    const bea = await (await browser.newContext({ viewport: { width: 900, height: 720 } })).newPage();
    const problems = [...(await watch(ann)), ...(await watch(bea))];

    await ann.goto(origin);
    await w(ann, '#name').fill('Ann');
    await w(ann, 'button.create').click();
    await w(ann, '#input').waitFor();
    const lobby = await roomCode(ann);
    await bea.goto(origin);
    await w(bea, '#name').fill('Bea');
    await w(bea, '#code').fill(lobby);
    await w(bea, '#code').press('Enter');
    await w(bea, '#input').waitFor();

    // Ann: the member list, "Message" on Bea (none on herself).
    await w(ann, 'button.members').click();
    const beaRow = w(ann, '.member').filter({ hasText: 'Bea' });
    await beaRow.waitFor();
    assert.equal(await w(ann, '.member').filter({ hasText: 'Ann' }).locator('.member-message').count(), 0, 'no Message on oneself');
    await beaRow.locator('.member-message').click();
    await ann.waitForFunction((code) => document.querySelector('chat-room').shadowRoot.querySelector('#room-code')?.textContent !== code, lobby);
    const direct = await roomCode(ann);
    await w(ann, '#input').fill('Psst, Bea: a private word');
    await w(ann, '#input').press('Enter');
    await bubble(ann, 'Psst, Bea').waitFor();

    // Bea, still in the room: the conversations button counts it, the list shows it unread.
    await w(bea, 'button.conversations .count-badge').filter({ hasText: '1' }).waitFor();
    await w(bea, 'button.conversations').click();
    const entry = w(bea, `.conversation[data-code="${direct}"]`);
    await entry.locator('.unread-count').filter({ hasText: '1' }).waitFor();
    assert.match(await entry.textContent(), /Ann/, 'named after the other member');
    assert.match(await entry.textContent(), /Psst, Bea/, 'with its last message');
    assert.ok(await w(bea, `.conversation[data-code="${lobby}"]`).count(), 'the room is listed too');
    await entry.click();
    await bubble(bea, 'Psst, Bea').waitFor();
    assert.equal(await roomCode(bea), direct);
    await w(bea, '#input').fill('Hi Ann, only you see this');
    await w(bea, '#input').press('Enter');
    await bubble(ann, 'only you see this').waitFor();

    // Both back to the room, from the conversations list.
    for (const page of [ann, bea]) {
      await w(page, 'button.conversations').click();
      await w(page, `.conversation[data-code="${lobby}"]`).click();
      await page.waitForFunction((code) => document.querySelector('chat-room').shadowRoot.querySelector('#room-code')?.textContent === code, lobby);
    }
    await w(ann, '#input').fill('Back in the room');
    await w(ann, '#input').press('Enter');
    await bubble(bea, 'Back in the room').waitFor();

    // A reload in the direct room: back in as the same member (persist="local" remembers its id).
    await w(bea, 'button.conversations').click();
    await w(bea, `.conversation[data-code="${direct}"]`).click();
    await bubble(bea, 'only you see this').waitFor();
    await bea.reload();
    await bubble(bea, 'only you see this').waitFor();
    assert.equal(await roomCode(bea), direct);
    assert.deepEqual(problems, []);
  });
});
