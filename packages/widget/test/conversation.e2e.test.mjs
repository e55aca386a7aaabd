// End to end, the conversation: three visitors on the demo page in Debian's Chromium. Two of them
// reply, react, edit and delete (one with a mouse, one on a touch screen with long-presses) while
// the third is offline; once back, the third must show exactly what the other two show. Screenshots
// go to test-artifacts/ (ignored by git).
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions, startChatServer } from './chat-server.mjs';
import { w, watch } from './pages.mjs';

const artifacts = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

/** The message rows as a visitor sees them: text (or tombstone), quote, reactions, "(edited)". */
function conversation(page) {
  return page.evaluate(() =>
    [...document.querySelector('chat-room').shadowRoot.querySelectorAll('.msg[data-id]')].map((row) => {
      const quote = row.querySelector('.quote');
      return {
        text: row.querySelector('.bubble')?.textContent,
        quote: quote ? `${quote.querySelector('.quote-author').textContent}: ${quote.querySelector('.quote-text').textContent}` : null,
        // Counts only: whether a chip is pressed depends on who looks.
        reactions: [...row.querySelectorAll('.reaction')].map((chip) => chip.textContent.replace(/\s+/g, '')).join(' '),
        edited: Boolean(row.querySelector('.edited')),
      };
    }),
  );
}

/** Waits until `page` shows what `reference` shows, and returns it. */
async function converged(page, reference, what) {
  const expected = JSON.stringify(await conversation(reference));
  const deadline = Date.now() + 20_000;
  let seen;
  while (Date.now() < deadline) {
    seen = JSON.stringify(await conversation(page));
    if (seen === expected) return JSON.parse(seen);
    await page.waitForTimeout(100);
  }
  assert.equal(seen, expected, what);
}

/** The row of the message whose bubble says `text`. */
const row = (page, text) => page.locator('chat-room .msg[data-id]').filter({ has: page.locator('.bubble', { hasText: text }) });

/** A long-press on a touch screen: a touch that rests on the bubble until the toolbar shows. */
async function longPress(page, text) {
  const r = row(page, text);
  await r.locator('.bubble').dispatchEvent('pointerdown', { pointerType: 'touch', isPrimary: true, clientX: 5, clientY: 5 });
  await r.locator('.actions.held').waitFor();
  return r;
}

async function send(page, text) {
  await w(page, '#input').fill(text);
  await w(page, '#input').press('Enter');
  await row(page, text).locator('.bubble').waitFor();
}

describe('widget end to end: the conversation', { timeout: 120_000 }, () => {
  let chat;
  let browser;

  before(async () => {
    await mkdir(artifacts, { recursive: true });
    chat = await startChatServer();
    browser = await chromium.launch(chromiumLaunchOptions);
  });

  after(async () => {
    await browser?.close();
    await chat?.close();
  });

  it('replies, reactions, edits and deletes made while a visitor was offline reach that visitor as the others see them', { timeout: 120_000 }, async () => {
    const contexts = {
      ada: await browser.newContext({ viewport: { width: 1100, height: 780 }, colorScheme: 'light' }),
      bob: await browser.newContext({ viewport: { width: 390, height: 760 }, colorScheme: 'dark', isMobile: true, hasTouch: true }),
      cy: await browser.newContext({ viewport: { width: 900, height: 700 } }),
    };
    const [a, b, c] = [await contexts.ada.newPage(), await contexts.bob.newPage(), await contexts.cy.newPage()];
    const problems = [...(await watch(a)), ...(await watch(b)), ...(await watch(c))];
    for (const page of [a, b, c]) await page.goto(`${chat.url}/`);

    await w(a, '#name').fill('Ada');
    await w(a, '.create').click();
    const code = (await w(a, '.room-code').textContent()).trim();
    for (const [page, name] of [[b, 'Bob'], [c, 'Cy']]) {
      await w(page, '#name').fill(name);
      await w(page, '#code').fill(code);
      await w(page, '#code').press('Enter');
      await w(page, '.room-code').waitFor();
    }
    await send(a, 'Plan A: ship on Friday?');
    await send(b, 'Plan B: ship next week.');
    await row(c, 'Plan B: ship next week.').waitFor();

    // Cy's connection is cut; the widget says so.
    await contexts.cy.setOffline(true);
    await c.locator('chat-room .banner', { hasText: 'offline' }).waitFor();

    // Ada (mouse) replies to Plan B from the toolbar that hovering shows.
    await row(a, 'Plan B').hover();
    await row(a, 'Plan B').locator('.reply').click();
    await a.locator('chat-room .compose-target', { hasText: 'Replying to Bob' }).waitFor();
    await send(a, 'Why wait?');
    // Bob (touch) replies to Plan A with a long-press, and reacts to Ada's reply.
    await (await longPress(b, 'Plan A')).locator('.reply').tap();
    await send(b, 'Tests first, then Friday works.');
    await row(b, 'Why wait?').waitFor();
    await (await longPress(b, 'Why wait?')).locator('.react').tap();
    await row(b, 'Why wait?').locator('.pick[aria-label="React with 👍"]').tap();
    await row(b, 'Why wait?').locator('.reaction[aria-pressed="true"]').waitFor();
    // Ada reacts too, then edits her plan; Bob deletes his.
    await row(a, 'Why wait?').locator('.reaction', { hasText: '1' }).waitFor();
    await row(a, 'Why wait?').locator('.reaction').click();
    await row(a, 'Why wait?').locator('.reaction[aria-pressed="true"]', { hasText: '2' }).waitFor();
    await row(a, 'Tests first').hover();
    await row(a, 'Tests first').locator('.react').click();
    await row(a, 'Tests first').locator('.pick[aria-label="React with 🎉"]').click();
    await row(a, 'Plan A').hover();
    await row(a, 'Plan A').locator('.edit').click();
    await w(a, '#input').fill('Plan A: ship on Friday, after the tests.');
    await w(a, '#input').press('Enter');
    await row(a, 'after the tests').locator('.edited').waitFor();
    await (await longPress(b, 'Plan B')).locator('.delete').tap();
    await row(b, 'Plan B').locator('.confirm-delete').tap();
    await b.locator('chat-room .bubble.deleted').waitFor();

    // Ada and Bob agree on everything, and Cy, offline, has seen none of it.
    const shown = await converged(b, a, 'Bob sees what Ada sees');
    assert.deepEqual(shown, [
      { text: 'Plan A: ship on Friday, after the tests.', quote: null, reactions: '', edited: true },
      { text: 'This message was deleted', quote: null, reactions: '', edited: false },
      { text: 'Why wait?', quote: 'Bob: Deleted message', reactions: '👍2', edited: false },
      { text: 'Tests first, then Friday works.', quote: 'Ada: Plan A: ship on Friday, after the tests.', reactions: '🎉1', edited: false },
    ]);
    assert.equal((await conversation(c)).length, 2, 'the offline page got nothing meanwhile');
    await a.locator('chat-room').screenshot({ path: `${artifacts}conversation-desktop-light.widget.png` });
    await b.locator('chat-room').screenshot({ path: `${artifacts}conversation-mobile-dark.widget.png` });

    // Cy is back: the catch-up brings the new messages and the changes to the old ones.
    await contexts.cy.setOffline(false);
    assert.deepEqual(await converged(c, a, 'Cy, back, sees what Ada sees'), shown);
    await c.locator('chat-room').screenshot({ path: `${artifacts}conversation-caught-up.widget.png` });

    assert.deepEqual(problems, [], 'no errors or CSP violations');
    for (const context of Object.values(contexts)) await context.close();
  });
});
