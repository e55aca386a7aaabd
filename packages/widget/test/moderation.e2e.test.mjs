// End to end, moderation (issue #23): on the demo page in Debian's Chromium, the owner of a room
// deletes a visitor's message and bans the visitor from the member list; the visitor sees the
// message gone and is told plainly that it is banned, and joining again by code says so too.
// Screenshots go to test-artifacts/ (ignored by git).
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions, startChatServer } from './chat-server.mjs';
import { w, watch } from './pages.mjs';

const artifacts = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

/** The row of the message whose bubble says `text`. */
const row = (page, text) => page.locator('chat-room .msg[data-id]').filter({ has: page.locator('.bubble', { hasText: text }) });

describe('widget end to end: moderation', { timeout: 90_000 }, () => {
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

  it('an owner deletes a visitor’s message and bans the visitor, who sees both, and cannot come back', { timeout: 90_000 }, async () => {
    const owner = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
    const visitor = await (await browser.newContext({ viewport: { width: 390, height: 760 } })).newPage();
    const problemsOwner = await watch(owner);
    const problemsVisitor = await watch(visitor);
    await owner.goto(`${chat.url}/`);
    await visitor.goto(`${chat.url}/`);

    // Ann creates the room (its owner); Bo joins by code.
    await w(owner, '#name').fill('Ann');
    await w(owner, '.create').click();
    await w(owner, '.room-code').waitFor();
    const code = (await w(owner, '.room-code').textContent()).trim();
    await w(visitor, '#name').fill('Bo');
    await w(visitor, '#code').fill(code);
    await w(visitor, '#code').press('Enter');
    await w(visitor, '.room-code').waitFor();

    // Bo posts; Ann, the owner, deletes it from its toolbar (asked first).
    await w(visitor, '#input').fill('BUY CHEAP WATCHES at spam.example');
    await w(visitor, '#input').press('Enter');
    await w(visitor, '#input').fill('and again');
    await w(visitor, '#input').press('Enter');
    await row(owner, 'BUY CHEAP WATCHES').waitFor();
    await row(owner, 'and again').waitFor();
    // By id from here: once deleted, its text is gone.
    const id = await row(owner, 'BUY CHEAP WATCHES').getAttribute('data-id');
    const spam = owner.locator(`chat-room .msg[data-id="${id}"]`);
    await spam.hover();
    await spam.locator('.delete').click();
    await spam.locator('.confirm-delete').click();
    await spam.locator('.bubble', { hasText: 'This message was deleted' }).waitFor();
    await visitor.locator(`chat-room .msg[data-id="${id}"] .bubble`, { hasText: 'This message was deleted' }).waitFor();
    assert.equal(await row(visitor, 'BUY CHEAP WATCHES').count(), 0, 'the message is gone for the visitor');

    // Ann bans Bo from the member list.
    await w(owner, '.members').click();
    const bo = owner.locator('chat-room .member').filter({ has: owner.locator('.member-name', { hasText: 'Bo' }) });
    await bo.locator('.member-more').click();
    await owner.screenshot({ path: `${artifacts}moderation-member-actions.png` });
    await bo.locator('.member-actions .ban').click();
    await owner.locator('chat-room .system-text', { hasText: 'Ann banned Bo' }).waitFor();

    // Bo is told plainly, then goes back to the start and tries the code again.
    await visitor.locator('chat-room .removed-text', { hasText: 'You are banned from this room.' }).waitFor();
    assert.equal(await w(visitor, '#input').count(), 0, 'the room is gone for the visitor');
    await visitor.screenshot({ path: `${artifacts}moderation-banned.png` });
    await w(visitor, '.back-home').click();
    await w(visitor, '#name').fill('Bo again');
    await w(visitor, '#code').fill(code);
    await w(visitor, '#code').press('Enter');
    await visitor.locator('chat-room #home-error', { hasText: 'You are banned from this room.' }).waitFor();
    assert.equal(await w(visitor, '.room-code').count(), 0, 'not let in under another name');

    assert.deepEqual(problemsOwner, []);
    assert.deepEqual(problemsVisitor, []);
  });
});
