// Browser tests of the room header's search box in real Chromium against a real Roomchat server.
import { $, $$, afterEach, assert, cleanup, describe, equal, expectAccessible, it, mount, nextEvent, sdkClient, shadow, type, waitFor } from './testing.js';
import type { ChatRoomElement } from './chat-room.js';
import './define.js';

afterEach(() => cleanup());

const rowWith = (el: ChatRoomElement, text: string) =>
  $$(el, '.msg[data-id]').find((r) => r.querySelector('.bubble')?.textContent === text);

describe('<chat-room> search', () => {
  it('finds a message by its words and shows it in the list, loading older history until it is there', async () => {
    const bob = await sdkClient().createRoom({ name: 'Bob' });
    await bob.send('the needle in the haystack');
    for (let i = 1; i <= 60; i++) await bob.send(`filler ${i}`);
    const el = await mount({ room: bob.code, name: 'Ada' });
    el.style.height = '420px';
    await nextEvent(el, 'chat-ready');
    await waitFor(() => rowWith(el, 'filler 60'), 'the newest page');
    assert(!rowWith(el, 'the needle in the haystack'), 'the old message is not loaded yet');

    const toggle = $<HTMLButtonElement>(el, '.search-toggle');
    equal(toggle.getAttribute('aria-expanded'), 'false');
    toggle.click();
    const input = await waitFor(() => shadow(el).querySelector<HTMLInputElement>('.search-input'), 'the search input');
    await waitFor(() => shadow(el).activeElement === input, 'focused to type at once');
    type(input, 'NEEDLE "hay');
    const result = await waitFor(() => $$(el, '.search-result')[0], 'a result');
    equal($$(el, '.search-result').length, 1);
    equal(result.querySelector('.search-text')?.textContent, 'the needle in the haystack');
    assert(result.querySelector('.search-meta')?.textContent?.startsWith('Bob · '), 'with its author');
    await expectAccessible(el);

    result.click();
    const found = await waitFor(() => rowWith(el, 'the needle in the haystack'), 'the message loaded into the list');
    await waitFor(() => found.classList.contains('highlight'), 'highlighted');
    equal(shadow(el).querySelector('.search'), null, 'the box closes');
    const list = $(el, '.messages').getBoundingClientRect();
    const box = found.getBoundingClientRect();
    assert(box.top >= list.top && box.bottom <= list.bottom, 'scrolled into view');
  });

  it('says when nothing matches, finds edited messages by their new words only, and closes with Escape', async () => {
    const bob = await sdkClient().createRoom({ name: 'Bob' });
    const sent = await bob.send('meet at the harbour');
    await bob.edit(sent.id, 'meet at the station');
    const el = await mount({ room: bob.code, name: 'Ada' });
    await nextEvent(el, 'chat-ready');
    $<HTMLButtonElement>(el, '.search-toggle').click();
    const input = await waitFor(() => shadow(el).querySelector<HTMLInputElement>('.search-input'), 'the search input');
    type(input, 'harbour');
    await waitFor(() => $(el, '.search-status').textContent === 'No messages found.', 'nothing found');
    equal($$(el, '.search-result').length, 0);
    type(input, 'station');
    await waitFor(() => $$(el, '.search-result')[0]?.querySelector('.search-text')?.textContent === 'meet at the station', 'the edited text');
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    await el.updateComplete;
    equal(shadow(el).querySelector('.search'), null, 'closed');
    equal(shadow(el).activeElement, $(el, '.search-toggle'), 'focus back on the button');
  });
});
