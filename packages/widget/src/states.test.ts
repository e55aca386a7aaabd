// States a visitor must never be left to guess at: a server that cannot be reached, leaving a room
// (asked first), the launcher panel's title bar (hide is not leave), and the site's own texts.
import { sendKeys } from '@web/test-runner-commands';
import './define.js';
import { $, afterEach, assert, cleanup, createRoomIn, describe, equal, expectAccessible, it, mount, nextEvent, shadow, type, waitFor } from './testing.js';

afterEach(() => cleanup());

/** A server address nothing answers at (port 9 on the loopback: the discard port, closed). */
const DOWN = 'http://127.0.0.1:9';

describe('<chat-room> with the server unreachable', () => {
  it('shows itself, says it is waiting for the server, and a create waits with "Connecting…" rather than failing', async () => {
    const el = await mount({ theme: 'light' });
    el.server = DOWN;
    await el.updateComplete;
    const rect = el.getBoundingClientRect();
    assert(rect.width > 0 && rect.height >= 400, `the element has its size (${rect.width}×${rect.height})`);
    const banner = await waitFor(() => {
      const b = shadow(el).querySelector<HTMLElement>('.banner');
      return b && !b.hidden && b.textContent?.includes('Waiting for the server') ? b : null;
    }, 'the banner says so', 8000);
    equal(banner.getAttribute('role'), 'status');
    type($<HTMLInputElement>(el, '#name'), 'Ada');
    await el.updateComplete;
    $<HTMLButtonElement>(el, '.create').click();
    await waitFor(() => $(el, '.create').textContent?.trim() === 'Connecting…', 'the button says it is connecting');
    equal($(el, '.form-error').hidden, true, 'no error: nothing failed, the server is not there yet');
    await expectAccessible(el);
  });

  it('says "Connecting…" only after a second, not for a connection that comes at once', async () => {
    const el = await mount();
    await waitFor(() => el.client?.state === 'connected', 'connected');
    equal($(el, '.banner').hidden, true, 'no banner for a quick connection');
  });
});

describe('<chat-room> leaving a room', () => {
  it('asks before leaving: Cancel (focused first) or Escape stays, Leave leaves', async () => {
    const el = await mount();
    const code = await createRoomIn(el, 'Ada');
    $<HTMLButtonElement>(el, '.exit').click();
    await el.updateComplete;
    const dialog = $(el, '.exit-confirm');
    equal(dialog.getAttribute('role'), 'alertdialog');
    equal(dialog.textContent?.includes('Leave this room?'), true);
    await waitFor(() => shadow(el).activeElement === $(el, '.exit-cancel'), 'focus on Cancel');
    await expectAccessible(el);
    await sendKeys({ press: 'Escape' });
    await waitFor(() => !shadow(el).querySelector('.exit-confirm'), 'Escape cancels');
    equal(el.currentRoom?.code, code, 'still in the room');
    $<HTMLButtonElement>(el, '.exit').click();
    await el.updateComplete;
    $<HTMLButtonElement>(el, '.exit-cancel').click();
    await el.updateComplete;
    equal(el.currentRoom?.code, code, 'Cancel stays');
    $<HTMLButtonElement>(el, '.exit').click();
    await el.updateComplete;
    const left = nextEvent(el, 'chat-leave');
    $<HTMLButtonElement>(el, '.exit-yes').click();
    equal((await left).detail.self, true);
    await waitFor(() => shadow(el).querySelector('.home'), 'back home');
  });
});

describe('<chat-room mode="launcher"> panel', () => {
  it('has a title bar whose Hide button hides the panel and keeps the visitor in the room, apart from Leave room', async () => {
    const el = await mount({ mode: 'launcher', open: '', 'title-text': 'Ask the shop', greeting: 'We answer within minutes.' });
    equal($(el, '.panel-title').textContent, 'Ask the shop');
    equal($(el, 'h2#home-title').textContent, 'Ask the shop');
    equal($(el, '.subtitle').textContent, 'We answer within minutes.');
    equal($(el, '.panel').getAttribute('aria-labelledby'), 'panel-title');
    const code = await createRoomIn(el, 'Ada');
    const hide = $<HTMLButtonElement>(el, '.panel-bar .hide');
    const exit = $<HTMLButtonElement>(el, '.exit');
    equal(hide.getAttribute('aria-label'), 'Hide chat');
    equal(exit.textContent?.trim(), 'Leave room');
    assert(hide.getBoundingClientRect().bottom <= exit.getBoundingClientRect().top, 'Hide is in the bar above, Leave in the room header');
    assert(hide.innerHTML !== exit.querySelector('svg')?.outerHTML, 'different icons');
    await expectAccessible(el);
    hide.click();
    await waitFor(() => !el.open, 'hidden');
    equal(el.currentRoom?.code, code, 'hiding is not leaving');
  });
});

describe('<chat-room empty-text>', () => {
  it("says the site's empty-state text in a room without messages, follows a change of it, and drops it at the first message", async () => {
    const el = await mount({ 'empty-text': 'Nobody has asked yet. Ask away!' });
    await createRoomIn(el, 'Ada');
    const empty = await waitFor(() => shadow(el).querySelector('.empty'), 'the empty state');
    equal(empty.textContent, 'Nobody has asked yet. Ask away!');
    el.setAttribute('empty-text', 'Ask us anything.');
    await waitFor(() => $(el, '.empty').textContent === 'Ask us anything.', 'the new text');
    el.removeAttribute('empty-text');
    await waitFor(() => $(el, '.empty').textContent === 'No messages yet. Say hello!', 'the default once the attribute is gone');
    await el.currentRoom!.send('Hello');
    await waitFor(() => !shadow(el).querySelector('.empty'), 'no empty state once a message is there');
  });
});

describe('<chat-room mode="page">', () => {
  it('fills the viewport edge to edge', async () => {
    const el = await mount({ mode: 'page' });
    equal(Math.round(el.getBoundingClientRect().height), window.innerHeight);
    equal(getComputedStyle($(el, '.frame')).borderTopWidth, '0px');
  });
});
