// End to end: getting the visitor's attention (issue #24), in Chromium (playwright-core) with
// /widget.js from a real Roomchat server on pages of a site of their own. A desktop notification
// is shown once across three tabs of the visitor, by the tab the others elected (and by the next
// one when that tab closes); the page title counts unread messages while the tab is hidden.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ChatClient } from '@roomchat/sdk';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions, startChatServer } from './chat-server.mjs';
import { w, watch } from './pages.mjs';

async function site(body) {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><title>Shop</title><body><h1>Shop</h1>${body}</body></html>`);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${server.address().port}`;
}

/**
 * Records every `new Notification(...)` the page makes (what it asked the browser to show), then
 * lets the real one through.
 */
function countNotifications() {
  const Real = window.Notification;
  window.__notifications = [];
  function Counted(title, options) {
    window.__notifications.push({ title, body: options?.body, tag: options?.tag });
    return new Real(title, options);
  }
  Object.defineProperty(Counted, 'permission', { get: () => Real.permission });
  Counted.requestPermission = (...args) => Real.requestPermission(...args);
  window.Notification = Counted;
}

const notifications = (page) => page.evaluate(() => window.__notifications);
/** Whether the page's widget has the message with `text` (so it has decided whether to notify). */
const has = (page, text) => page.evaluate((t) => document.querySelector('chat-room').currentRoom?.messages.some((m) => m.text === t) ?? false, text);

/** Makes the page's document report itself hidden or visible, as switching tabs does, and says so. */
const setHidden = (page, hidden) =>
  page.evaluate((h) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);

describe("getting the visitor's attention", { timeout: 120_000 }, () => {
  let chat;
  let browser;
  const clients = [];
  before(async () => {
    chat = await startChatServer();
    browser = await chromium.launch(chromiumLaunchOptions);
  });
  after(async () => {
    for (const c of clients) c.close();
    await browser?.close();
    await chat?.close();
  });

  async function boRoom() {
    const bo = new ChatClient({ url: chat.url });
    clients.push(bo);
    return bo.createRoom({ name: 'Bo' });
  }

  it('shows a notification once across three tabs, for messages while the launcher is closed and for mentions, also after the notifying tab closed', async () => {
    const room = await boRoom();
    const origin = await site(`<script src="${chat.url}/widget.js" defer></script><chat-room mode="launcher" persist="local"></chat-room>`);
    const context = await browser.newContext({ viewport: { width: 1000, height: 760 } });
    await context.grantPermissions(['notifications'], { origin });
    await context.addInitScript(countNotifications);
    const tabs = [await context.newPage()];
    const problems = await watch(tabs[0]);
    await tabs[0].goto(`${origin}/`);
    await w(tabs[0], '.launcher').click();
    await w(tabs[0], '#name').fill('Rae');
    await w(tabs[0], '#code').fill(room.code);
    await w(tabs[0], '#code').press('Enter');
    await w(tabs[0], '.bell').waitFor();
    assert.equal(await w(tabs[0], '.bell').getAttribute('aria-pressed'), 'false', 'off until the visitor turns it on');
    await w(tabs[0], '.bell').click();
    await tabs[0].locator('chat-room .bell[aria-pressed="true"]').waitFor();
    await w(tabs[0], '.panel-bar .hide').click();
    await tabs[0].waitForFunction(() => !document.querySelector('chat-room').open);

    // Two more tabs of the site: each goes back into the room (persist="local"), the launcher closed.
    for (const path of ['/shoes', '/hats']) {
      const tab = await context.newPage();
      problems.push(...(await watch(tab)));
      await tab.goto(`${origin}${path}`);
      await tab.waitForFunction((code) => document.querySelector('chat-room').currentRoom?.code === code, room.code);
      tabs.push(tab);
    }
    assert.equal(room.members.length, 2, 'Bo and Rae: three tabs, one member');

    const sendAndCount = async (text, open) => {
      const message = await room.send(text);
      for (const tab of open) await tab.waitForFunction(([t]) => document.querySelector('chat-room').currentRoom?.messages.some((m) => m.text === t), [text]);
      for (const tab of open) assert.ok(await has(tab, text));
      const shown = (await Promise.all(open.map(notifications))).flat().filter((n) => n.tag === message.id);
      return { message, shown };
    };

    const plain = await sendAndCount('New stock arrived', tabs);
    assert.equal(plain.shown.length, 1, `shown once, not once per tab (${JSON.stringify(plain.shown)})`);
    assert.deepEqual(plain.shown[0], { title: `Bo in ${room.code}`, body: 'New stock arrived', tag: plain.message.id });

    const mention = await sendAndCount('@Rae can you check the order?', tabs);
    assert.equal(mention.shown.length, 1);

    // The tab that was notifying goes to another site; another takes over, and still only one shows it.
    const shownBy = await Promise.all(tabs.map(async (tab) => (await notifications(tab)).length));
    const leader = shownBy.findIndex((n) => n > 0);
    await tabs[leader].goto('about:blank');
    const rest = tabs.filter((_, i) => i !== leader);
    // The lock passes to the next tab in line once the closed one is gone.
    await rest[0].waitForFunction(async () => {
      const { held, pending } = await navigator.locks.query();
      const notify = (locks) => locks.filter((l) => l.name.endsWith(' notify')).length;
      return notify(held) === 1 && notify(pending) === 1;
    });
    const after = await sendAndCount('Back in stock tomorrow', rest);
    assert.equal(after.shown.length, 1, 'the next tab in line shows it');
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('prefixes the page title with the unread count while the tab is hidden, and puts it back when it is visible', async () => {
    const room = await boRoom();
    const origin = await site(`<script src="${chat.url}/widget.js" defer></script><chat-room style="--chat-height:500px"></chat-room>`);
    const page = await (await browser.newContext({ viewport: { width: 900, height: 700 } })).newPage();
    const problems = await watch(page);
    await page.goto(`${origin}/`);
    await w(page, '#name').fill('Ada');
    await w(page, '#code').fill(room.code);
    await w(page, '#code').press('Enter');
    await w(page, '.room-code').waitFor();
    await setHidden(page, true);
    for (const text of ['One', 'Two', 'Three']) await room.send(text);
    await page.waitForFunction(() => document.title === '(3) Shop');
    await setHidden(page, false);
    await page.waitForFunction(() => document.title === 'Shop');
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
