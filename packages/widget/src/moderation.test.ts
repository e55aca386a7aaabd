// Browser tests of moderation in <chat-room> (docs/moderation.md) in real Chromium against a real
// Roomchat server: what each role is offered in the message toolbar, the member list and the room
// menu, and what a muted, slowed or removed visitor is told. Other members are SDK clients.
import { sendKeys } from '@web/test-runner-commands';
import type { Room } from '@roomchat/sdk';
import type { ChatRoomElement } from './chat-room.js';
import './define.js';
import { ar } from './strings/ar.js';
import { en } from './strings/en.js';
import { languages, loadStrings } from './strings/index.js';
import { $, $$, afterEach, assert, cleanup, createRoomIn, describe, equal, expectAccessible, it, messageTexts, mount, nextEvent, sdkClient, shadow, type, waitFor } from './testing.js';

afterEach(() => cleanup());

/** Bob's room (Bob owns it, as its creator) with the widget in it as Ada. */
async function adaInBobsRoom(): Promise<{ bob: Room; el: ChatRoomElement; ada: Room }> {
  const bob = await sdkClient().createRoom({ name: 'Bob' });
  const el = await mount({ room: bob.code, name: 'Ada' });
  await nextEvent(el, 'chat-ready');
  return { bob, el, ada: el.currentRoom! };
}

async function rowOf(el: ChatRoomElement, text: string): Promise<HTMLElement> {
  return waitFor(() => $$(el, '.msg[data-id]').find((r) => r.querySelector('.bubble')?.textContent === text), `a message "${text}"`);
}

/** Opens the member list and answers the list item of `name`. */
async function memberItem(el: ChatRoomElement, name: string): Promise<HTMLElement> {
  if (!shadow(el).querySelector('.member-list')) $<HTMLButtonElement>(el, '.members').click();
  return waitFor(() => $$(el, '.member').find((li) => li.querySelector('.member-name')?.textContent === name), `${name} in the member list`);
}

/** The labels of the actions the member list offers on `name` (opening them). */
async function actionsOn(el: ChatRoomElement, name: string): Promise<string[]> {
  const li = await memberItem(el, name);
  const more = li.querySelector<HTMLButtonElement>('.member-more');
  if (!more) return [];
  if (more.getAttribute('aria-expanded') !== 'true') more.click();
  await waitFor(() => li.querySelector('.member-actions'), `${name}'s actions`);
  return [...li.querySelectorAll('.member-actions button')].map((b) => b.textContent!.trim());
}

function toolbarLabels(row: HTMLElement): string[] {
  return [...row.querySelectorAll('.toolbar button')].map((b) => b.getAttribute('aria-label')!);
}

describe('<chat-room> moderation: what each role is offered', () => {
  it('a member sees Report on others’ messages and nothing else of moderation; a report reaches the queue with its reason', async () => {
    const { bob, el } = await adaInBobsRoom();
    await bob.send('buy cheap watches');
    const row = await rowOf(el, 'buy cheap watches');
    const labels = toolbarLabels(row);
    assert(labels.includes('Report') && !labels.includes('Delete'), `a member's toolbar on another's message: ${labels.join(', ')}`);
    equal(shadow(el).querySelector('.mod-toggle'), null, 'no room menu for a member');
    const bobItem = await memberItem(el, 'Bob');
    equal(bobItem.querySelector('.role-badge')?.textContent, 'owner', 'the owner wears a badge');
    equal(bobItem.querySelector('.member-more'), null, 'no actions on anyone');

    row.querySelector<HTMLButtonElement>('.report')!.click();
    const panel = await waitFor(() => row.querySelector('.report-panel'), 'the report panel');
    equal(panel.querySelector('.confirm-text')?.textContent, 'Why are you reporting this message?');
    await waitFor(() => shadow(el).activeElement === panel.querySelector('input[value="spam"]'), 'focus on the picked reason');
    await expectAccessible(el);
    panel.querySelector<HTMLInputElement>('input[value="abuse"]')!.click();
    panel.querySelector<HTMLButtonElement>('.confirm-report')!.click();
    await waitFor(() => $$(el, '[role="status"]').some((n) => n.textContent === 'Thank you. The moderators will look at it.'), 'the thanks are announced');
    const queue = await bob.reports();
    equal(queue.length, 1);
    equal(queue[0]!.reports[0]!.reason, 'abuse');
  });

  it('a moderator may kick, ban and mute members (not the owner), delete their messages, lock and slow the room; not rotate or close', async () => {
    const { bob, el, ada } = await adaInBobsRoom();
    const cy = await sdkClient().joinRoom(bob.code, { name: 'Cy' });
    await bob.promote(ada.self.id);
    await waitFor(() => ada.role === 'moderator' && shadow(el).querySelector('.mod-toggle'), 'Ada is a moderator and has the room menu');
    await waitFor(() => messageTexts(el).includes('Bob made Ada a moderator'), 'the promotion is a line of the log');

    equal((await actionsOn(el, 'Bob')).length, 0, 'nothing on the owner, who outranks a moderator');
    equal((await actionsOn(el, 'Cy')).join(' | '), 'Remove from the room | Ban | Mute for 5 minutes | Mute for 1 hour | Mute for 24 hours');
    equal((await memberItem(el, 'Ada')).querySelector('.role-badge')?.textContent, 'moderator');
    await expectAccessible(el);

    const muted = [...(await memberItem(el, 'Cy')).querySelectorAll<HTMLButtonElement>('.member-actions button')].find((b) => b.textContent!.trim() === 'Mute for 1 hour')!;
    muted.click();
    await waitFor(() => cy.moderation.mutedUntil, 'Cy is muted');
    await waitFor(() => messageTexts(el).includes('Ada muted Cy for 1 hour'), 'the mute is a line of the log');

    await bob.send('from the owner');
    const row = await rowOf(el, 'from the owner');
    assert(toolbarLabels(row).includes('Delete'), 'a moderator deletes anyone’s message');

    $<HTMLButtonElement>(el, '.mod-toggle').click();
    const menu = await waitFor(() => shadow(el).querySelector('.mod-menu'), 'the room menu');
    equal(menu.querySelector('.mod-rotate'), null, 'no new code for a moderator');
    equal(menu.querySelector('.mod-close'), null, 'no closing for a moderator');
    await waitFor(() => shadow(el).activeElement === menu.querySelector('.mod-lock'), 'focus on the first item');
    await sendKeys({ press: 'Enter' });
    await waitFor(() => cy.moderation.locked, 'the room is locked for everyone');
    await waitFor(() => menu.querySelector('.mod-lock')?.textContent === 'Unlock the room', 'the item says what it will do now');
    menu.querySelector<HTMLButtonElement>('.slow[data-seconds="30"]')!.click();
    await waitFor(() => cy.moderation.slowModeSeconds === 30, 'slow mode reaches the others');
    await waitFor(() => messageTexts(el).includes('Ada turned on slow mode: one message every 30 seconds'), 'a line of the log');
    equal(menu.querySelector('.slow[data-seconds="30"]')?.getAttribute('aria-pressed'), 'true');
    await expectAccessible(el);
    await sendKeys({ press: 'Escape' });
    await waitFor(() => !shadow(el).querySelector('.mod-menu') && shadow(el).activeElement === $(el, '.mod-toggle'), 'Escape closes the menu, focus back on its button');
  });

  it('the owner sees everything: promote and make owner in the member list, a new code and closing (each asked first) in the menu', async () => {
    const el = await mount();
    const code = await createRoomIn(el, 'Ada');
    const cy = await sdkClient().joinRoom(code, { name: 'Cy' });
    await waitFor(() => el.currentRoom!.members.length === 2, 'Cy is in');
    equal((await actionsOn(el, 'Cy')).join(' | '), 'Remove from the room | Ban | Mute for 5 minutes | Mute for 1 hour | Mute for 24 hours | Make moderator | Make owner');

    $<HTMLButtonElement>(el, '.mod-toggle').click();
    const menu = await waitFor(() => shadow(el).querySelector('.mod-menu'), 'the room menu');
    menu.querySelector<HTMLButtonElement>('.mod-rotate')!.click();
    const dialog = await waitFor(() => shadow(el).querySelector('.mod-confirm'), 'asked first');
    equal(dialog.getAttribute('role'), 'alertdialog');
    await waitFor(() => shadow(el).activeElement === dialog.querySelector('.confirm-no'), 'Cancel is focused first');
    await sendKeys({ press: 'Tab' });
    equal(shadow(el).activeElement, dialog.querySelector('.confirm-yes'));
    await sendKeys({ press: 'Tab' });
    equal(shadow(el).activeElement, dialog.querySelector('.confirm-no'), 'Tab stays within the question');
    await expectAccessible(el);
    dialog.querySelector<HTMLButtonElement>('.confirm-yes')!.click();
    const shown = await waitFor(() => shadow(el).querySelector('.new-code')?.textContent, 'the new code is shown');
    await waitFor(() => cy.code !== code, 'members get the new code');
    equal(shown, `The room's new code is ${cy.code}.`);
    equal($(el, '.room-code').textContent, cy.code, 'the header follows');

    menu.querySelector<HTMLButtonElement>('.mod-close')!.click();
    await waitFor(() => shadow(el).querySelector('.mod-confirm'), 'closing is asked first');
    await sendKeys({ press: 'Escape' });
    await waitFor(() => !shadow(el).querySelector('.mod-confirm'), 'Escape cancels');
    equal(el.currentRoom?.code, cy.code, 'still open');
  });
});

describe('<chat-room> moderation: what the visitor is told', () => {
  it('a muted visitor reads until when, and cannot write until then', async () => {
    const { bob, el, ada } = await adaInBobsRoom();
    await bob.mute(ada.self.id, 60 * 60_000);
    const notice = await waitFor(() => shadow(el).querySelector('.mod-notice.muted'), 'the mute notice');
    assert(/^You are muted until \d\d?:\d\d( [AP]M)?\.$/.test(notice.textContent!.trim()), notice.textContent!);
    equal($<HTMLTextAreaElement>(el, '#input').disabled, true, 'the composer is disabled');
    await waitFor(() => messageTexts(el).includes('Bob muted Ada for 1 hour'), 'a line of the log');
    await bob.unmute(ada.self.id);
    await waitFor(() => !shadow(el).querySelector('.mod-notice') && !$<HTMLTextAreaElement>(el, '#input').disabled, 'unmuted: the composer is back');
    await expectAccessible(el);
  });

  it('slow mode: a send refused with SLOW_MODE says when the next may go', async () => {
    const { bob, el } = await adaInBobsRoom();
    await bob.setSlowMode(60);
    await waitFor(() => el.currentRoom!.moderation.slowModeSeconds === 60, 'Ada knows');
    for (const text of ['one', 'two']) {
      type($<HTMLTextAreaElement>(el, '#input'), text);
      await el.updateComplete;
      $<HTMLButtonElement>(el, '.send').click();
      if (text === 'one') await rowOf(el, 'one');
    }
    const notice = await waitFor(() => shadow(el).querySelector('.mod-notice.slow'), 'the slow-mode wait');
    assert(/^Slow mode is on: you can send again in \d+ seconds\.$/.test(notice.textContent!.trim()), notice.textContent!);
  });

  it('a kicked visitor is told plainly, and goes back to the start from there', async () => {
    const { bob, el, ada } = await adaInBobsRoom();
    await bob.kick(ada.self.id);
    const removed = await waitFor(() => shadow(el).querySelector('.removed'), 'the removed state');
    equal(removed.querySelector('.removed-text')?.textContent, 'You were removed from this room by a moderator.');
    await expectAccessible(el);
    removed.querySelector<HTMLButtonElement>('.back-home')!.click();
    await waitFor(() => shadow(el).querySelector('.home, #code'), 'the home view');
  });

  it('hides a reported message from members, says so, and shows it to moderators marked hidden', async () => {
    const { bob, el } = await adaInBobsRoom();
    const spam = await bob.send('reported thrice');
    await rowOf(el, 'reported thrice');
    for (const name of ['R1', 'R2', 'R3']) {
      const reporter = await sdkClient().joinRoom(bob.code, { name });
      await reporter.report(spam.id, 'spam');
    }
    const row = await waitFor(() => $$(el, '.msg[data-id]').find((r) => r.dataset['id'] === spam.id && r.querySelector('.hidden-msg')), 'hidden for Ada');
    equal(row.querySelector('.bubble')?.textContent, 'Hidden after reports');
    await waitFor(() => messageTexts(el).includes('A message was hidden after reports'), 'a line of the log');
    await waitFor(() => bob.messages.find((m) => m.id === spam.id)?.hidden, 'hidden for the owner too');
    equal(bob.messages.find((m) => m.id === spam.id)?.text, 'reported thrice', 'whom it shows whole, to judge it');
    await expectAccessible(el);
  });
});

describe('moderation strings', () => {
  it('every language has every moderation string, with plurals where counts are', async () => {
    const keys = Object.keys(en.mod).sort().join(' ');
    for (const lang of languages) {
      const table = await loadStrings(lang);
      equal(Object.keys(table.mod).sort().join(' '), keys, lang);
      if (lang !== 'en') assert(table.mod.banned !== en.mod.banned, `${lang} is translated`);
      for (const code of ['BANNED', 'ROOM_LOCKED', 'ROOM_CLOSED', 'MUTED', 'SLOW_MODE'] as const) assert(table.errors[code], `${lang}: ${code}`);
    }
    equal(en.mod.minutes(1), '1 minute');
    equal(en.mod.hours(24), '24 hours');
    equal(ar.mod.hours(2), 'ساعتان');
    equal(ar.mod.reportCount(3), `${(3).toLocaleString('ar')} بلاغات`);
  });
});
