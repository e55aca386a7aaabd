// Browser tests of the conversation features of <chat-room> (replies, reactions, edits, deletes,
// typing, read receipts) in real Chromium against a real Roomchat server; the other members are
// SDK clients in the same page.
import { sendKeys } from '@web/test-runner-commands';
import { ChatError, ErrorCode, type ChatMessage, type Room } from '@roomchat/sdk';
import type { ChatRoomElement } from './chat-room.js';
import './define.js';
import { $, $$, afterEach, assert, cleanup, describe, equal, expectAccessible, it, messageTexts, mount, nextEvent, sdkClient, shadow, type, waitFor } from './testing.js';

afterEach(() => cleanup());

/** Bob's room with the widget in it as Ada, once her view is ready. */
async function adaWithBob(): Promise<{ bob: Room; el: ChatRoomElement; ada: Room }> {
  const bob = await sdkClient().createRoom({ name: 'Bob' });
  const el = await mount({ room: bob.code, name: 'Ada' });
  await nextEvent(el, 'chat-ready');
  return { bob, el, ada: el.currentRoom! };
}

/** The row of the message whose bubble says `text`. */
function row(el: ChatRoomElement, text: string): HTMLElement | undefined {
  return $$(el, '.msg[data-id]').find((r) => r.querySelector('.bubble')?.textContent === text);
}

async function rowOf(el: ChatRoomElement, text: string): Promise<HTMLElement> {
  return waitFor(() => row(el, text), `a message "${text}"`);
}

/** Sends as Ada through the composer, and waits for the stored message. */
async function sendAsAda(el: ChatRoomElement, text: string): Promise<HTMLElement> {
  type($<HTMLTextAreaElement>(el, '#input'), text);
  await el.updateComplete;
  $<HTMLButtonElement>(el, '.send').click();
  return waitFor(() => $$(el, '.msg.own[data-id]').find((r) => r.querySelector('.bubble')?.textContent === text), 'stored');
}

function stored(room: Room, text: string): ChatMessage {
  const m = room.messages.find((x) => x.text === text);
  assert(m, `"${text}" is in ${room.self.name}'s view`);
  return m;
}

describe('<chat-room> conversation: changes to messages', () => {
  it('shows edits, reactions and deletes made by others as they happen', async () => {
    const { bob, el } = await adaWithBob();
    const hello = await bob.send('hello');
    const r = await rowOf(el, 'hello');
    await bob.edit(hello.id, 'hello, edited');
    await waitFor(() => r.querySelector('.bubble')?.textContent === 'hello, edited', 'the edit shows in the same row');
    const marker = $(el, '.edited');
    equal(marker.textContent?.trim().startsWith('(edited)'), true);
    assert(marker.getAttribute('title')?.startsWith('Edited at'), 'the time of the edit is in the tooltip');
    await bob.react(hello.id, '👍');
    const chip = await waitFor(() => r.querySelector<HTMLButtonElement>('.reaction'), 'a reaction chip');
    equal(chip.textContent?.replace(/\s+/g, ''), '👍1');
    equal(chip.getAttribute('aria-pressed'), 'false', 'not pressed: the visitor did not react');
    equal(chip.getAttribute('aria-label'), '👍: 1 reaction');
    await bob.delete(hello.id);
    await waitFor(() => r.querySelector('.bubble')?.textContent === 'This message was deleted', 'a tombstone');
    equal(r.querySelector('.reaction'), null, 'a tombstone has no reactions');
    equal(r.querySelector('.actions'), null, 'nor actions');
    await expectAccessible(el);
  });

  it('shows the changes made while it was away once back in the room', async () => {
    const { bob, el } = await adaWithBob();
    const [keep, gone] = [await bob.send('to be edited'), await bob.send('to be deleted')];
    await rowOf(el, 'to be deleted');
    const box = el.parentElement!;
    el.remove();
    await waitFor(() => el.client === null, 'the widget is out of the room');
    await bob.edit(keep.id, 'edited while away');
    await bob.react(keep.id, '🎉');
    await bob.delete(gone.id);
    const ready = nextEvent(el, 'chat-ready');
    box.append(el);
    await ready;
    await el.updateComplete;
    const texts = messageTexts(el);
    assert(texts.includes('edited while away') && texts.includes('This message was deleted'), `as they are now: ${texts.join(' | ')}`);
    assert(!texts.includes('to be deleted') && !texts.includes('to be edited'), 'nothing of the old texts');
    equal((await rowOf(el, 'edited while away')).querySelector('.reaction')?.textContent?.replace(/\s+/g, ''), '🎉1');
  });
});

describe('<chat-room> conversation: message actions', () => {
  it('offers a toolbar on keyboard focus: one tab stop, arrow keys inside, named buttons', async () => {
    const { bob, el } = await adaWithBob();
    await bob.send('from Bob');
    const own = await sendAsAda(el, 'from Ada');
    const theirs = await rowOf(el, 'from Bob');
    const labels = (r: HTMLElement) => [...r.querySelectorAll('.toolbar button')].map((b) => b.getAttribute('aria-label'));
    equal(labels(theirs).join(','), 'Reply,Add a reaction,Copy text,Report', "others' messages: no edit or delete (a plain member), Report instead");
    equal(labels(own).join(','), 'Reply,Add a reaction,Edit,Copy text,Delete');
    equal(theirs.querySelector('.toolbar')?.getAttribute('aria-label'), 'Actions for the message from Bob');
    const actions = theirs.querySelector<HTMLElement>('.actions')!;
    equal(getComputedStyle(actions).opacity, '0', 'hidden until wanted');
    theirs.querySelector<HTMLButtonElement>('.reply')!.focus();
    await waitFor(() => getComputedStyle(actions).opacity === '1', 'shown while focus is inside');
    await sendKeys({ press: 'ArrowRight' });
    equal(shadow(el).activeElement, theirs.querySelector('.react'), 'ArrowRight moves to React');
    equal(theirs.querySelector<HTMLButtonElement>('.react')!.tabIndex, 0, 'which becomes the tab stop');
    await sendKeys({ press: 'End' });
    equal(shadow(el).activeElement, theirs.querySelector('.report'), 'End: the last button, Report');
    await sendKeys({ press: 'ArrowRight' });
    equal(shadow(el).activeElement, theirs.querySelector('.reply'), 'and wraps around');
    await expectAccessible(el);
  });

  it('opens the toolbar with a long-press on touch', async () => {
    const { bob, el } = await adaWithBob();
    await bob.send('press me');
    const r = await rowOf(el, 'press me');
    const bubble = r.querySelector('.bubble')!;
    bubble.dispatchEvent(new PointerEvent('pointerdown', { pointerType: 'touch', bubbles: true, composed: true, clientX: 10, clientY: 10 }));
    await waitFor(() => r.querySelector('.actions.held'), 'held open after a long press');
    await waitFor(() => shadow(el).activeElement === r.querySelector('.reply'), 'focus moves into it');
    // A short tap elsewhere lets go of it.
    $(el, '.messages').dispatchEvent(new PointerEvent('pointerdown', { pointerType: 'touch', bubbles: true, composed: true }));
    await waitFor(() => !r.querySelector('.actions.held'), 'let go');
  });

  it('copies a message text and says so', async () => {
    const { bob, el } = await adaWithBob();
    await bob.send('copy me');
    const r = await rowOf(el, 'copy me');
    r.querySelector<HTMLButtonElement>('.copy')!.click();
    await waitFor(() => $(el, '[role="status"][aria-live="polite"]').textContent === 'Text copied', 'announced');
  });
});

describe('<chat-room> conversation: reactions', () => {
  it('reacts from the quick picker, shows the chip pressed, and a click on it takes the reaction back', async () => {
    const { bob, el } = await adaWithBob();
    const m = await bob.send('react to me');
    const r = await rowOf(el, 'react to me');
    const react = r.querySelector<HTMLButtonElement>('.react')!;
    react.click();
    const picker = await waitFor(() => r.querySelector('.picker'), 'the picker opens');
    equal(react.getAttribute('aria-expanded'), 'true');
    equal(picker.getAttribute('role'), 'group');
    await waitFor(() => shadow(el).activeElement === picker.querySelector('.pick'), 'focus on the first reaction');
    await expectAccessible(el);
    await sendKeys({ press: 'Escape' });
    await waitFor(() => !r.querySelector('.picker') && shadow(el).activeElement === react, 'Escape closes it, back on React');
    react.click();
    const heart = await waitFor(() => r.querySelector<HTMLButtonElement>('.pick[aria-label="React with ❤️"]'), 'the picker again');
    heart.click();
    const chip = await waitFor(() => r.querySelector<HTMLButtonElement>('.reaction[aria-pressed="true"]'), 'a pressed chip');
    equal(chip.textContent?.replace(/\s+/g, ''), '❤️1');
    await waitFor(() => bob.messages.find((x) => x.id === m.id)?.reactions?.[0]?.count === 1, 'Bob sees the reaction');
    await bob.react(m.id, '❤️');
    await waitFor(() => chip.textContent?.replace(/\s+/g, '') === '❤️2', "Bob's adds to the count");
    chip.click();
    await waitFor(() => chip.getAttribute('aria-pressed') === 'false' && chip.textContent?.replace(/\s+/g, '') === '❤️1', 'taken back');
    await waitFor(() => bob.messages.find((x) => x.id === m.id)?.reactions?.[0]?.count === 1, 'for Bob too');
  });
});

describe('<chat-room> conversation: replies', () => {
  it('replies with a preview above the composer, Escape cancels, and the reply carries a quote', async () => {
    const { bob, el } = await adaWithBob();
    await bob.send('a question?');
    const r = await rowOf(el, 'a question?');
    r.querySelector<HTMLButtonElement>('.reply')!.click();
    const bar = await waitFor(() => shadow(el).querySelector('.compose-target.reply'), 'the reply preview');
    equal(bar.querySelector('.target-title')?.textContent, 'Replying to Bob');
    equal(bar.querySelector('.target-excerpt')?.textContent, 'a question?');
    await waitFor(() => shadow(el).activeElement === $(el, '#input'), 'focus in the composer');
    await expectAccessible(el);
    await sendKeys({ press: 'Escape' });
    await waitFor(() => !shadow(el).querySelector('.compose-target'), 'Escape cancels');
    r.querySelector<HTMLButtonElement>('.reply')!.click();
    await waitFor(() => shadow(el).querySelector('.compose-target'), 'again');
    $<HTMLButtonElement>(el, '.cancel-target').click();
    await waitFor(() => !shadow(el).querySelector('.compose-target'), 'the cancel button too');
    r.querySelector<HTMLButtonElement>('.reply')!.click();
    await waitFor(() => shadow(el).activeElement === $(el, '#input'), 'replying again');
    await sendKeys({ type: 'an answer' });
    await sendKeys({ press: 'Enter' });
    const reply = await rowOf(el, 'an answer');
    const quote = reply.querySelector<HTMLButtonElement>('.quote')!;
    equal(quote.querySelector('.quote-author')?.textContent, 'Bob');
    equal(quote.querySelector('.quote-text')?.textContent, 'a question?');
    equal(shadow(el).querySelector('.compose-target'), null, 'the preview is gone once sent');
    const original = stored(bob, 'a question?');
    await waitFor(() => bob.messages.find((m) => m.text === 'an answer')?.replyTo?.id === original.id, 'Bob gets a reply to his message');
    await bob.delete(original.id);
    await waitFor(() => quote.querySelector('.quote-text')?.textContent === 'Deleted message', 'the quote follows its original');
  });

  it('shows the original of a quote, loading older history until it is there, and highlights it', async () => {
    const bob = await sdkClient().createRoom({ name: 'Bob' });
    const original = await bob.send('the original');
    for (let i = 1; i <= 60; i++) await bob.send(`filler ${i}`);
    await bob.send('about that', { replyTo: original.id });
    const el = await mount({ room: bob.code, name: 'Ada' });
    el.style.height = '420px';
    await nextEvent(el, 'chat-ready');
    const reply = await rowOf(el, 'about that');
    assert(!row(el, 'the original'), 'the original is not loaded yet');
    reply.querySelector<HTMLButtonElement>('.quote')!.click();
    const found = await rowOf(el, 'the original');
    await waitFor(() => found.classList.contains('highlight'), 'highlighted');
    await waitFor(() => shadow(el).activeElement === found, 'focused, so a screen reader reads it');
    const list = $(el, '.messages').getBoundingClientRect();
    const box = found.getBoundingClientRect();
    assert(box.top >= list.top && box.bottom <= list.bottom, 'scrolled into view');
    await waitFor(() => !found.classList.contains('highlight'), 'the highlight fades', 4000);
  });
});

describe('<chat-room> conversation: editing and deleting', () => {
  it('edits through the composer: Enter saves, Escape cancels and gives the draft back', async () => {
    const { bob, el } = await adaWithBob();
    const r = await sendAsAda(el, 'first try');
    type($<HTMLTextAreaElement>(el, '#input'), 'a draft');
    r.querySelector<HTMLButtonElement>('.edit')!.click();
    await waitFor(() => shadow(el).querySelector('.compose-target.edit'), 'the edit bar');
    equal($<HTMLTextAreaElement>(el, '#input').value, 'first try', 'the text to edit is in the composer');
    equal($(el, '.send').getAttribute('aria-label'), 'Save');
    await expectAccessible(el);
    await waitFor(() => shadow(el).activeElement === $(el, '#input'), 'focus in the composer');
    await sendKeys({ press: 'Escape' });
    await waitFor(() => !shadow(el).querySelector('.compose-target'), 'Escape cancels');
    equal($<HTMLTextAreaElement>(el, '#input').value, 'a draft', 'the draft is back');
    equal(r.querySelector('.bubble')?.textContent, 'first try');
    r.querySelector<HTMLButtonElement>('.edit')!.click();
    await waitFor(() => $<HTMLTextAreaElement>(el, '#input').value === 'first try', 'editing again');
    type($<HTMLTextAreaElement>(el, '#input'), 'second try');
    await el.updateComplete;
    await sendKeys({ press: 'Enter' });
    await waitFor(() => r.querySelector('.bubble')?.textContent === 'second try', 'saved in place');
    assert(r.querySelector('.edited'), '(edited)');
    await waitFor(() => $<HTMLTextAreaElement>(el, '#input').value === 'a draft', 'the draft is back after saving');
    await waitFor(() => bob.messages.some((m) => m.text === 'second try' && m.editedAt), 'Bob sees the edit');
  });

  it('says in words why an edit was refused', async () => {
    const { el, ada } = await adaWithBob();
    const r = await sendAsAda(el, 'too late to change');
    for (const [code, words] of [
      [ErrorCode.EDIT_WINDOW_CLOSED, 'too old to be edited'],
      [ErrorCode.FORBIDDEN, 'Only your own messages'],
    ] as const) {
      ada.edit = async () => {
        throw new ChatError(code, 'refused');
      };
      r.querySelector<HTMLButtonElement>('.edit')!.click();
      await waitFor(() => $<HTMLTextAreaElement>(el, '#input').value === 'too late to change', 'editing');
      type($<HTMLTextAreaElement>(el, '#input'), 'changed');
      await el.updateComplete;
      const error = nextEvent(el, 'chat-error');
      $<HTMLButtonElement>(el, '.send').click();
      const event = await error;
      equal(event.detail.code, code);
      equal(event.detail.action, 'edit');
      await el.updateComplete;
      assert($(el, '.composer-error').textContent?.includes(words), `the reason in words: ${$(el, '.composer-error').textContent}`);
      assert(shadow(el).querySelector('.compose-target.edit'), 'still editing, to fix or cancel');
      $<HTMLButtonElement>(el, '.cancel-target').click();
      await el.updateComplete;
    }
  });

  it('deletes after a confirmation, leaving a tombstone for everyone', async () => {
    const { bob, el } = await adaWithBob();
    const r = await sendAsAda(el, 'regrettable');
    r.querySelector<HTMLButtonElement>('.delete')!.click();
    const confirm = await waitFor(() => r.querySelector('.actions.confirm'), 'asks first');
    equal(confirm.getAttribute('role'), 'group');
    assert(confirm.textContent?.includes('Delete this message for everyone?'));
    await waitFor(() => shadow(el).activeElement === r.querySelector('.cancel-delete'), 'focus on Cancel, the harmless choice');
    await expectAccessible(el);
    await sendKeys({ press: 'Escape' });
    await waitFor(() => !r.querySelector('.actions.confirm') && shadow(el).activeElement === r.querySelector('.delete'), 'Escape keeps it');
    equal(r.querySelector('.bubble')?.textContent, 'regrettable');
    r.querySelector<HTMLButtonElement>('.delete')!.click();
    (await waitFor(() => r.querySelector<HTMLButtonElement>('.confirm-delete'), 'asks again')).click();
    await waitFor(() => r.querySelector('.bubble')?.textContent === 'This message was deleted', 'a tombstone');
    await waitFor(() => shadow(el).activeElement === r, 'focus stays on the row');
    await waitFor(() => bob.messages.some((m) => m.deletedAt && m.authorId === el.currentRoom!.self.id), 'for Bob too');
  });
});

describe('<chat-room> conversation: typing and read receipts', () => {
  it('says who is typing in a polite status region, and tells others when the visitor types', async () => {
    const { bob, el } = await adaWithBob();
    const cy = await sdkClient().joinRoom(bob.code, { name: 'Cy' });
    const region = $(el, '.typing');
    equal(region.getAttribute('role'), 'status');
    const heard = new Promise<string>((resolve) => bob.on('typing', (members) => members[0] && resolve(members[0].name)));
    type($<HTMLTextAreaElement>(el, '#input'), 'h');
    equal(await heard, 'Ada', 'Bob hears Ada typing');
    bob.typing();
    await waitFor(() => region.textContent === 'Bob is typing…', 'one');
    cy.typing();
    await waitFor(() => region.textContent === 'Bob and Cy are typing…', 'two');
    await expectAccessible(el);
    await bob.send('done typing');
    await waitFor(() => region.textContent === 'Cy is typing…', "a message ends its author's typing");
  });

  it('marks the room read when the newest messages are on screen, and shows who saw the last message', async () => {
    const { bob, el, ada } = await adaWithBob();
    await bob.send('read me');
    await waitFor(() => ada.readSeq >= stored(ada, 'read me').seq, 'read: the list is at the bottom of a visible page');
    await waitFor(() => bob.seenBy(stored(bob, 'read me')).some((m) => m.name === 'Ada'), 'Bob sees that Ada read it');
    const mine = await sendAsAda(el, 'did you see this?');
    equal(mine.querySelector('.seen'), null, 'nothing until someone read it');
    await bob.markRead();
    await waitFor(() => mine.querySelector('.seen')?.textContent === 'Seen by Bob', 'Seen by Bob');
    await expectAccessible(el);
  });

  it('puts a "New messages" divider above what arrived while the visitor was away', async () => {
    const { bob, el, ada } = await adaWithBob();
    await bob.send('seen before');
    await waitFor(() => ada.readSeq >= stored(ada, 'seen before').seq, 'read');
    // Stored on the server (Bob hears of it) before the widget goes away.
    await waitFor(() => bob.seenBy(stored(bob, 'seen before')).length === 1, 'the read position stored');
    equal(shadow(el).querySelector('.unread-divider'), null, 'no divider while nothing is unread');
    const box = el.parentElement!;
    el.remove();
    await waitFor(() => el.client === null, 'away');
    await bob.send('while away 1');
    await bob.send('while away 2');
    const ready = nextEvent(el, 'chat-ready');
    box.append(el);
    await ready;
    const divider = await waitFor(() => shadow(el).querySelector('.unread-divider'), 'the divider');
    equal(divider.textContent, 'New messages');
    equal((divider.nextElementSibling as HTMLElement).querySelector('.bubble')?.textContent, 'while away 1', 'above the first unread');
    await bob.send('after coming back');
    await rowOf(el, 'after coming back');
    equal($$(el, '.unread-divider').length, 1, 'it stays where it was');
    await expectAccessible(el);
    el.theme = 'dark';
    await el.updateComplete;
    await expectAccessible(el);
  });
});

describe('<chat-room> conversation: themes', () => {
  it('passes axe-core in light and dark with every conversation state on screen', async () => {
    const { bob, el } = await adaWithBob();
    const question = await bob.send('question');
    await bob.send('answer', { replyTo: question.id });
    const gone = await bob.send('gone soon');
    await bob.delete(gone.id);
    await bob.react(question.id, '👍');
    await bob.edit(question.id, 'question, edited');
    await bob.send('@Ada see https://example.com, *bold* _italic_ `code` and\n```\na block\n```');
    await waitFor(() => shadow(el).querySelector('.bubble a[href="https://example.com/"]'), 'the formatted message');
    const mine = await sendAsAda(el, 'mine');
    await bob.markRead();
    await waitFor(() => mine.querySelector('.seen'), 'seen');
    (await rowOf(el, 'question, edited')).querySelector<HTMLButtonElement>('.reaction')!.click();
    await waitFor(() => shadow(el).querySelector('.reaction[aria-pressed="true"]'), 'a pressed chip');
    bob.typing();
    await waitFor(() => $(el, '.typing').textContent, 'typing');
    (await rowOf(el, 'answer')).querySelector<HTMLButtonElement>('.reply')!.click();
    await waitFor(() => shadow(el).querySelector('.compose-target'), 'the reply bar');
    (await rowOf(el, 'question, edited')).querySelector<HTMLButtonElement>('.react')!.click();
    await waitFor(() => shadow(el).querySelector('.picker'), 'the picker');
    assert(shadow(el).querySelector('.quote') && shadow(el).querySelector('.bubble.deleted') && shadow(el).querySelector('.edited'), 'all on screen');
    assert(shadow(el).querySelector('.bubble code') && shadow(el).querySelector('.bubble pre') && shadow(el).querySelector('.bubble .mention'), 'formatting and a mention on screen');
    for (const theme of ['light', 'dark'] as const) {
      el.theme = theme;
      await el.updateComplete;
      await expectAccessible(el);
    }
  });
});
