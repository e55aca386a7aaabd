// End to end: the admin page at /admin (docs/admin.md) in Chromium (playwright-core) against a
// real server, at a phone's width (375 px). An admin signs in with a token by keyboard alone,
// finds a room by its code, keeps one reported message and removes another; the settings form
// saves the app's filters; every view passes axe-core and scrolls no wider than the screen.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { ChatClient } from '@roomchat/sdk';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions, startChatServer } from './chat-server.mjs';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The focused element, through shadow roots: its tag, accessible label or text, and outline. */
const focused = (page) =>
  page.evaluate(() => {
    let e = document.activeElement;
    while (e?.shadowRoot?.activeElement) e = e.shadowRoot.activeElement;
    if (!e) return undefined;
    const style = getComputedStyle(e);
    return { tag: e.tagName.toLowerCase(), id: e.id, label: e.getAttribute('aria-label') ?? e.textContent.trim(), outline: style.outlineStyle, outlineWidth: style.outlineWidth };
  });

/** Presses Tab until the focused element matches `wanted` (at most 40 times); checks its focus is visible. */
async function tabTo(page, wanted, what) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (now && wanted(now)) {
      assert.notEqual(now.outline, 'none', `${what} shows its focus`);
      assert.notEqual(now.outlineWidth, '0px', `${what} shows its focus`);
      return now;
    }
  }
  throw new Error(`Tab never reached ${what}`);
}

/** axe-core on the page as it is (evaluated through the debugger: the page's CSP allows no injected script). */
async function axe(page, view) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const { violations, passes } = await page.evaluate(async () => {
    const results = await window.axe.run(document, { resultTypes: ['violations'] });
    return { violations: results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), passes: results.passes.length };
  });
  assert.deepEqual(violations, [], `axe on the ${view} view`);
  assert.ok(passes > 10, `axe checked the ${view} view (${passes} rules passed)`);
}

/** At 375 px, nothing is wider than the screen. */
async function fitsPhone(page, view) {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(scroll <= client, `the ${view} view scrolls sideways at 375 px (${scroll} > ${client})`);
}

describe('the admin page', { timeout: 120_000 }, () => {
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

  it('an admin signs in by keyboard, finds a room, and clears its reports: keeps one, removes one', async () => {
    const alice = new ChatClient({ url: chat.url });
    const bob = new ChatClient({ url: chat.url });
    clients.push(alice, bob);
    const aliceRoom = await alice.createRoom({ name: 'Alice' });
    const bobRoom = await bob.joinRoom(aliceRoom.code, { name: 'Bob' });
    const fine = await aliceRoom.send('a fine remark');
    const rude = await aliceRoom.send('a rude remark');
    await bobRoom.report(fine.id, 'not sure');
    await bobRoom.report(rude.id, 'rude');
    // Another room, more recently active, so that finding by code matters.
    const other = await alice.createRoom({ name: 'Alice' });
    await other.send('elsewhere');
    const token = await chat.server.adminTokens.issue({ app: undefined }, 10 * 60_000);

    const context = await browser.newContext({ viewport: { width: 375, height: 740 } });
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // The browser's own request for /favicon.ico is the one 404 the page does not make.
    page.on('console', (m) => m.type() === 'error' && !m.location().url.endsWith('/favicon.ico') && pageErrors.push(m.text()));
    await page.goto(`${chat.url}/admin`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await axe(page, 'sign-in');
    await fitsPhone(page, 'sign-in');

    // Sign in by keyboard: the token field is first in the tab order, the button after the app id.
    await tabTo(page, (e) => e.id === 'credential', 'the token field');
    await page.keyboard.type(token);
    await tabTo(page, (e) => e.tag === 'button' && e.label === 'Sign in', 'the Sign in button');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Rooms by activity' }).waitFor();
    await page.getByRole('button', { name: `Open room ${other.code}` }).waitFor();
    assert.equal(await page.getByRole('button', { name: /^Open room/ }).count(), 2);
    await axe(page, 'rooms');
    await fitsPhone(page, 'rooms');

    // Find the room by its code, then open it: by keyboard.
    await tabTo(page, (e) => e.id === 'q', 'the search field');
    await page.keyboard.type(aliceRoom.code);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: `Open room ${other.code}` }).waitFor({ state: 'detached' });
    await tabTo(page, (e) => e.label === `Open room ${aliceRoom.code}`, 'the room');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Room ${aliceRoom.code}` }).waitFor();
    await page.getByRole('heading', { name: 'Reports (2)' }).waitFor();
    await axe(page, 'room');
    await fitsPhone(page, 'room');

    // Keep the first report's message, by keyboard: Tab from the room's heading.
    await tabTo(page, (e) => e.label === 'Keep the message of Alice', 'Keep');
    await page.keyboard.press('Enter');
    await page.getByText('Kept: the message is shown again').waitFor();
    await page.getByRole('heading', { name: 'Reports (1)' }).waitFor();
    // Remove the other, with the mouse.
    await page.getByRole('button', { name: 'Remove the message of Alice' }).click();
    await page.getByText('Removed the message').waitFor();
    await page.getByRole('heading', { name: 'Reports (0)' }).waitFor();

    // The server agrees: no open reports, the rude message deleted, the fine one still there.
    const headers = { authorization: `Bearer ${token}` };
    const queue = await (await fetch(`${chat.url}/v1/rooms/${aliceRoom.code}/reports`, { headers })).json();
    assert.deepEqual(queue.reports, []);
    const history = await (await fetch(`${chat.url}/v1/rooms/${aliceRoom.code}/messages`, { headers })).json();
    const byId = new Map(history.messages.map((m) => [m.id, m]));
    assert.ok(byId.get(rude.id).deletedAt, 'the removed message is deleted');
    assert.equal(byId.get(fine.id).text, 'a fine remark');
    assert.equal(byId.get(fine.id).deletedAt, undefined);
    const trail = await (await fetch(`${chat.url}/v1/audit?room=${aliceRoom.code}`, { headers })).json();
    assert.ok(trail.entries.length >= 2, 'both decisions are in the audit trail');

    // The audit trail view, filtered by the room.
    await page.getByRole('button', { name: 'Audit trail' }).click();
    await page.getByRole('heading', { name: 'Audit trail' }).waitFor();
    await page.getByLabel('Room code').fill(aliceRoom.code);
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.getByRole('list', { name: 'Audit entries' }).waitFor();
    await axe(page, 'audit');
    await fitsPhone(page, 'audit');

    // The app's filters: saved, and the server holds them.
    await page.getByRole('button', { name: 'Filters and hook' }).click();
    await page.getByLabel('Blocked words (one a line)').fill('spam\nscam');
    await page.getByLabel('Links').selectOption('deny');
    await axe(page, 'settings');
    await fitsPhone(page, 'settings');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved').waitFor();
    const settings = (await chat.server.apps.get('default')).settings;
    assert.deepEqual(settings.blockedWords, ['spam', 'scam']);
    assert.equal(settings.linkPolicy, 'deny');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  it('a wrong token is refused with a plain message, and the session survives a reload', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 } });
    const page = await context.newPage();
    await page.goto(`${chat.url}/admin`);
    await page.getByLabel('Admin token or app secret').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Could not sign in' }).waitFor();
    await axe(page, 'refused sign-in');

    // The default app's secret with its id: an app admin, without the app picker.
    const { secret } = await chat.server.apps.get('default');
    await page.getByLabel('Admin token or app secret').fill(secret);
    await page.getByLabel(/^App id/).fill('default');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Rooms by activity' }).waitFor();
    assert.equal(await page.getByLabel('App', { exact: true }).count(), 0, 'no app picker for one app');
    await page.reload();
    await page.getByRole('heading', { name: 'Rooms by activity' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await context.close();
  });
});
