// Staying in the room and getting attention (issue #24), as components in real Chromium against
// the real server: the invite menu and its QR code, the bell, and what `persist` remembers.
import { sendKeys } from '@web/test-runner-commands';
import './define.js';
import { $, afterEach, cleanup, createRoomIn, describe, equal, expectAccessible, it, mount, sdkClient, shadow, waitFor } from './testing.js';

afterEach(() => cleanup());

describe('staying in the room', () => {
  it('opens the invite menu with the link and, on demand, its QR code; accessible; Escape closes it', async () => {
    const el = await mount({ theme: 'dark' });
    const code = await createRoomIn(el, 'Ada');
    $<HTMLButtonElement>(el, '.invite-toggle').click();
    await waitFor(() => shadow(el).querySelector('.invite-menu'), 'the menu, loaded on its first open');
    equal($(el, '.invite-toggle').getAttribute('aria-expanded'), 'true');
    equal($<HTMLInputElement>(el, '.invite-link').value, `${location.href.split('#')[0]}#roomchat=${code}`);
    $<HTMLButtonElement>(el, '.show-qr').click();
    await waitFor(() => shadow(el).querySelector('svg.qr'), 'the QR code is drawn');
    equal($(el, 'svg.qr').getAttribute('role'), 'img');
    await expectAccessible(el);
    $<HTMLButtonElement>(el, '.copy-invite').focus();
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    equal(shadow(el).querySelector('.invite-menu'), null, 'closed');
    equal(shadow(el).activeElement, $(el, '.invite-toggle'), 'focus back on the button');
  });

  it('has a bell that is off until the visitor turns it on', async () => {
    const el = await mount({ theme: 'light' });
    await createRoomIn(el, 'Ada');
    equal($(el, '.bell').getAttribute('aria-pressed'), 'false');
    equal($(el, '.bell').getAttribute('aria-label'), 'Notifications');
    await expectAccessible(el);
  });

  it('goes back into the room in a new element of the same tab (persist="session"), and not with persist="none"', async () => {
    const first = await mount();
    const code = await createRoomIn(first, 'Ada');
    const self = first.currentRoom!.self.id;
    first.parentElement!.remove();
    const again = await mount();
    await waitFor(() => again.currentRoom?.code === code, 'back in the room');
    equal(again.currentRoom!.self.id, self, 'as the same member');
    await again.exit();
    const none = await mount({ persist: 'none' });
    const other = await createRoomIn(none, 'Bo');
    none.parentElement!.remove();
    const fresh = await mount({ persist: 'none' });
    await fresh.updateComplete;
    equal(fresh.currentRoom, null, `not back in ${other}`);
    equal(shadow(fresh).querySelector('#name') !== null, true, 'the home view');
  });

  it("shows the room's title in the header and as the launcher panel's title", async () => {
    const room = await sdkClient().createRoom({ name: 'Bo', title: 'Order #1234' });
    const el = await mount({ mode: 'launcher', open: '', room: room.code, name: 'Ada' });
    await waitFor(() => shadow(el).querySelector('.room-title'), 'the header');
    equal($(el, '.room-title').textContent, 'Order #1234');
    equal($(el, '.panel-title').textContent, 'Order #1234');
    await expectAccessible(el);
  });
});
