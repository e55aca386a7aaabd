// Browser tests of <chat-room> in real Chromium against a real Roomchat server (started by
// web-test-runner.config.js). The other participants are SDK clients in the same page.
import { sendKeys } from '@web/test-runner-commands';
import { ChatError, ErrorCode, randomId, type Room } from '@roomchat/sdk';
import { ChatRoomElement } from './define.js';
import {
  $,
  $$,
  afterEach,
  assert,
  cleanup,
  createRoomIn,
  describe,
  equal,
  expectAccessible,
  it,
  messageTexts,
  mount,
  nextEvent,
  pngFile,
  sdkClient,
  serverUrl,
  shadow,
  type,
  waitFor,
} from './testing.js';

/** Creates a room with an SDK client and returns it, for the widget to join. */
async function roomByBob(): Promise<Room> {
  return sdkClient().createRoom({ name: 'Bob' });
}

afterEach(() => cleanup());

describe('<chat-room> registration', () => {
  it('is registered once, even when the script-tag bundle is loaded twice next to the ESM build', async () => {
    const errors: string[] = [];
    const onError = (e: ErrorEvent) => errors.push(e.message);
    window.addEventListener('error', onError);
    for (let i = 0; i < 2; i++) {
      const script = document.createElement('script');
      script.src = `${serverUrl}/widget.js`;
      const loaded = new Promise((resolve, reject) => {
        script.onload = resolve;
        script.onerror = () => reject(new Error('widget.js did not load'));
      });
      document.head.append(script);
      await loaded;
    }
    window.removeEventListener('error', onError);
    equal(errors.length, 0, `errors: ${errors.join('; ')}`);
    equal(customElements.get('chat-room'), ChatRoomElement, 'the first definition stays');
    assert(document.createElement('chat-room') instanceof ChatRoomElement);
  });
});

describe('<chat-room> home view', () => {
  it('asks for a name and a room code, with labelled fields, and passes axe-core', async () => {
    const el = await mount();
    equal($<HTMLInputElement>(el, '#name').placeholder, 'Pick a name!');
    equal($(el, 'label[for="name"]').textContent, 'Your name');
    equal($(el, 'label[for="code"]').textContent, 'Room code');
    equal($(el, '.join').textContent?.trim(), 'Join a room');
    equal($(el, '.create').textContent?.trim(), 'Create a room');
    await expectAccessible(el);
  });

  it('shows an inline error and marks the field when the name is missing', async () => {
    const el = await mount();
    $<HTMLButtonElement>(el, '.create').click();
    await waitFor(() => !$(el, '.form-error').hidden, 'the error shows');
    equal($(el, '.form-error').textContent?.trim(), 'Pick a name first.');
    equal($(el, '#name').getAttribute('aria-invalid'), 'true');
    equal(shadow(el).activeElement, $(el, '#name'), 'focus moves to the field');
  });

  it('explains an unknown room code from the server error code, and emits chat-error', async () => {
    const el = await mount();
    type($<HTMLInputElement>(el, '#name'), 'Ada');
    type($<HTMLInputElement>(el, '#code'), 'ZZZZ-ZZZZ');
    const error = nextEvent(el, 'chat-error');
    $<HTMLButtonElement>(el, '.join').click();
    const event = await error;
    equal(event.detail.code, ErrorCode.ROOM_NOT_FOUND);
    equal(event.detail.action, 'join');
    assert(event.bubbles && event.composed, 'chat-* events bubble and are composed');
    await el.updateComplete;
    equal($(el, '.form-error').textContent?.trim(), 'There is no room with that code. Check it and try again.');
    equal($(el, '#code').getAttribute('aria-invalid'), 'true');
    equal(el.room, '', 'the room property says the visitor is in no room');
  });

  it('explains a name the server refuses', async () => {
    const el = await mount();
    type($<HTMLInputElement>(el, '#name'), 'x'.repeat(60));
    const error = nextEvent(el, 'chat-error');
    $<HTMLButtonElement>(el, '.create').click();
    equal((await error).detail.code, ErrorCode.NAME_INVALID);
    await el.updateComplete;
    assert($(el, '.form-error').textContent?.includes('That name cannot be used'));
    equal($(el, '#name').getAttribute('aria-invalid'), 'true');
  });
});

describe('<chat-room> room view', () => {
  it('creates a room: header with the code, member count, and chat-ready', async () => {
    const el = await mount();
    const code = await createRoomIn(el, 'Ada');
    equal(el.room, code, 'the room property is the new code');
    equal(el.name, 'Ada');
    equal($(el, '.room-code').textContent, code);
    equal($(el, '.members-count').textContent, '1 here');
    await waitFor(() => messageTexts(el).includes('Ada joined'), 'the join line');
    await expectAccessible(el);
  });

  it('joins by code typed with dashes and lower case, and shows history and members', async () => {
    const bobRoom = await roomByBob();
    await bobRoom.send('Welcome!');
    const el = await mount();
    type($<HTMLInputElement>(el, '#name'), 'Ada');
    const spaced = bobRoom.code.toLowerCase().replace(/^(.{4})/, '$1-');
    type($<HTMLInputElement>(el, '#code'), spaced);
    const ready = nextEvent(el, 'chat-ready');
    $<HTMLButtonElement>(el, '.join').click();
    const event = await ready;
    equal(event.detail.room, bobRoom.code);
    equal(event.detail.created, false);
    await el.updateComplete;
    assert(messageTexts(el).includes('Welcome!'), `history shown: ${messageTexts(el).join(' | ')}`);
    equal($(el, '.members-count').textContent, '2 here');
    $<HTMLButtonElement>(el, '.members').click();
    await el.updateComplete;
    const names = $$(el, '.member-name').map((n) => n.textContent);
    equal(names.join(','), 'Bob,Ada');
    assert($(el, '.member .you'), 'the visitor is marked');
  });

  it('renders names and messages with markup as inert text', async () => {
    const client = sdkClient();
    const mallory = await client.createRoom({ name: '<img src=x>' });
    const el = await mount({ room: mallory.code, name: 'Ada' });
    await nextEvent(el, 'chat-ready');
    await mallory.send('<script>window.pwned = 1</script><b onclick="x">bold</b>');
    await waitFor(() => messageTexts(el).some((t) => t.includes('<b onclick')), 'the message arrives');
    equal($$(el, '.messages img').length, 0, 'no element was created from the name');
    equal($$(el, '.messages b').length, 0, 'no element was created from the text');
    equal((window as unknown as { pwned?: number }).pwned, undefined);
    assert($$(el, '.author').some((a) => a.textContent === '<img src=x>'), 'the name shows literally');
  });

  it("tells the visitor's own messages by the server's author id, which another member cannot copy", async () => {
    const bobRoom = await roomByBob();
    const el = await mount({ room: bobRoom.code, name: 'Ada' });
    await nextEvent(el, 'chat-ready');
    const ada = await waitFor(() => bobRoom.members.find((m) => m.name === 'Ada'), 'Bob sees Ada');
    // Ada's public id is in every member list; her widget's client ids used to start with it.
    const sent = nextEvent(el, 'chat-message');
    await bobRoom.send('this is Ada speaking, honestly', { clientId: `${ada.id}.${randomId()}` });
    equal((await sent).detail.own, false, 'chat-message says it is not her own');
    await el.updateComplete;
    const row = $$(el, '.msg').find((r) => r.textContent?.includes('this is Ada speaking'));
    assert(row && !row.classList.contains('own'), 'shown as a message of someone else');
    equal(row.querySelector('.author')?.textContent, 'Bob', "with the sender's name");
  });

  it('sends with Enter, adds a line with Shift+Enter, and shows the message pending then stored', async () => {
    const bobRoom = await roomByBob();
    const el = await mount({ room: bobRoom.code, name: 'Ada' });
    await nextEvent(el, 'chat-ready');
    const input = $<HTMLTextAreaElement>(el, '#input');
    input.focus();
    await sendKeys({ type: 'first line' });
    await sendKeys({ press: 'Shift+Enter' });
    await sendKeys({ type: 'second line' });
    equal(input.value, 'first line\nsecond line', 'Shift+Enter made a new line');
    const received = new Promise<string | undefined>((resolve) => bobRoom.once('message', (m) => resolve(m.text)));
    const own = nextEvent(el, 'chat-message');
    // The ack may come back before this test looks: record every render that shows a pending row.
    let shownPending = false;
    const watcher = new MutationObserver(() => {
      if ($$(el, '.msg.pending').some((row) => row.textContent?.includes('first line'))) shownPending = true;
    });
    watcher.observe(shadow(el), { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    equal(input.value, '', 'the composer is cleared');
    await own;
    watcher.disconnect();
    assert(shownPending, 'shown as pending until stored');
    equal(await received, 'first line\nsecond line', 'Bob receives it');
    equal((await own).detail.own, true);
    await waitFor(() => $$(el, '.msg.pending').length === 0, 'pending state cleared');
    const bubbles = $$(el, '.msg.own .bubble');
    equal(bubbles.at(-1)?.textContent, 'first line\nsecond line');
  });

  it("shows a send the SDK gave up on as failed, with retry, and a retry stores it once under the same client id", async () => {
    const bobRoom = await roomByBob();
    const el = await mount({ room: bobRoom.code, name: 'Ada' });
    await nextEvent(el, 'chat-ready');
    const room = el.currentRoom!;
    // The SDK uploads through room.uploadImage: the first upload fails for good, as a server
    // refusing it would; the retry goes through to the real server.
    const realUpload = room.uploadImage.bind(room);
    let uploads = 0;
    room.uploadImage = (source, options) => (uploads++ === 0 ? Promise.reject(new ChatError(ErrorCode.INTERNAL, 'simulated')) : realUpload(source, options));
    const errorEvent = nextEvent(el, 'chat-error');
    const data = new DataTransfer();
    data.items.add(await pngFile());
    const input = $<HTMLInputElement>(el, '#file');
    input.files = data.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    equal((await errorEvent).detail.action, 'upload');
    await el.updateComplete;
    const failed = $(el, '.msg.failed');
    assert(failed, 'shown as failed');
    assert($(el, '.status.failed').textContent?.includes('Not sent.'));
    equal(room.sends[0]?.status, 'failed', "the SDK's state is what is shown");
    const clientId = failed.dataset.clientId;
    $<HTMLButtonElement>(el, '.retry').click();
    await waitFor(() => $$(el, '.msg.failed, .msg.pending').length === 0, 'retry succeeded');
    await waitFor(() => bobRoom.messages.some((m) => m.kind === 'image'), 'Bob got it');
    equal(bobRoom.messages.filter((m) => m.kind === 'image').length, 1, 'stored once');
    equal(bobRoom.messages.find((m) => m.kind === 'image')?.clientId, clientId, 'under the client id of the failed send');
    equal(uploads, 2);
  });

  it("re-sends, as the visitor's own, a message left unsent by a previous page load", async () => {
    const bobRoom = await roomByBob();
    // What the previous page of this tab left: its member id, and a send never acknowledged.
    const memberId = randomId();
    sessionStorage.setItem('roomchat:member-id', memberId);
    // It is the visitor's own because the server stores it under the member's public id, which it
    // derives from the memberId again.
    const entry = { roomCode: bobRoom.code, clientId: 'left-over', text: 'written before the reload', queuedAt: new Date().toISOString() };
    localStorage.setItem(`roomchat:outbox:${serverUrl}:${memberId}`, JSON.stringify([entry]));
    const el = await mount({ room: bobRoom.code, name: 'Ada' });
    await nextEvent(el, 'chat-ready');
    await waitFor(() => bobRoom.messages.some((m) => m.text === 'written before the reload'), 'the left-over send arrives');
    await waitFor(() => $$(el, '.msg.own:not(.pending) .bubble').some((b) => b.textContent === 'written before the reload'), 'shown as own');
    equal(bobRoom.messages.filter((m) => m.text === 'written before the reload').length, 1, 'stored once');
    equal(bobRoom.messages.find((m) => m.text === 'written before the reload')?.author, 'Ada');
    equal(localStorage.getItem(`roomchat:outbox:${serverUrl}:${memberId}`), null, 'the outbox is empty again');
  });

  it('uploads a picked image with progress, shows the thumbnail, and opens it full size', async () => {
    const bobRoom = await roomByBob();
    const el = await mount({ room: bobRoom.code, name: 'Ada' });
    await nextEvent(el, 'chat-ready');
    const file = await pngFile(400, 300);
    const input = $<HTMLInputElement>(el, '#file');
    const data = new DataTransfer();
    data.items.add(file);
    input.files = data.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await el.updateComplete;
    assert($(el, '.msg.pending .preview img').getAttribute('src')?.startsWith('blob:'), 'a local preview while uploading');
    assert($(el, '.msg.pending progress'), 'an upload progress bar');
    const thumb = await waitFor(() => shadow(el).querySelector<HTMLImageElement>('.thumb img'), 'the stored image');
    assert(thumb.src.startsWith(serverUrl + '/v1/images/'), `thumbnail from the server: ${thumb.src}`);
    await waitFor(() => thumb.complete && thumb.naturalWidth > 0, 'the thumbnail loads');
    equal($$(el, '.msg.pending').length, 0);
    await waitFor(() => bobRoom.messages.some((m) => m.kind === 'image'), 'Bob got the image');
    $<HTMLButtonElement>(el, '.thumb').click();
    const dialog = await waitFor(() => shadow(el).querySelector<HTMLDialogElement>('dialog[open]'), 'the lightbox opens');
    const full = dialog.querySelector<HTMLImageElement>('img')!;
    await waitFor(() => full.complete && full.naturalWidth === 400, 'the full-size image loads');
    await sendKeys({ press: 'Escape' });
    await waitFor(() => !dialog.open, 'Escape closes it');
  });

  it('shows an upload the server refuses as failed, with retry and discard', async () => {
    const bobRoom = await roomByBob();
    const el = await mount({ room: bobRoom.code, name: 'Ada' });
    await nextEvent(el, 'chat-ready');
    // Labelled PNG, but not an image: the server decides by the bytes.
    const fake = new File([new TextEncoder().encode('definitely not a png')], 'fake.png', { type: 'image/png' });
    const data = new DataTransfer();
    data.items.add(fake);
    const input = $<HTMLInputElement>(el, '#file');
    input.files = data.files;
    const error = nextEvent(el, 'chat-error');
    input.dispatchEvent(new Event('change', { bubbles: true }));
    const detail = (await error).detail;
    equal(detail.code, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    equal(detail.action, 'upload');
    await el.updateComplete;
    assert($(el, '.msg.failed .preview img'), 'the failed image stays visible');
    assert($(el, '.status.failed').textContent?.includes('Only PNG, JPEG, GIF and WebP'), 'the reason is shown');
    assert($(el, '.msg.failed .retry') && $(el, '.msg.failed .discard'), 'retry and discard are offered');
    $<HTMLButtonElement>(el, '.discard').click();
    await el.updateComplete;
    equal($$(el, '.msg.failed').length, 0, 'discarded');
    equal(bobRoom.messages.filter((m) => m.kind === 'image').length, 0);
  });

  it('sends images pasted into the composer or dropped on the list, and refuses other files', async () => {
    const bobRoom = await roomByBob();
    const el = await mount({ room: bobRoom.code, name: 'Ada' });
    await nextEvent(el, 'chat-ready');
    const pasted = new DataTransfer();
    pasted.items.add(await pngFile(32, 32, '#c00'));
    $(el, '#input').dispatchEvent(new ClipboardEvent('paste', { clipboardData: pasted, bubbles: true, cancelable: true }));
    const dropped = new DataTransfer();
    dropped.items.add(await pngFile(32, 32, '#0a0'));
    const list = $(el, '.messages');
    list.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dropped, bubbles: true, cancelable: true }));
    await el.updateComplete;
    assert($(el, '.drop-zone'), 'the drop zone shows while dragging');
    list.dispatchEvent(new DragEvent('drop', { dataTransfer: dropped, bubbles: true, cancelable: true }));
    await waitFor(() => bobRoom.messages.filter((m) => m.kind === 'image').length === 2, 'both images arrive');
    await el.updateComplete;
    equal(shadow(el).querySelector('.drop-zone'), null);
    const svg = new DataTransfer();
    svg.items.add(new File(['<svg xmlns="http://www.w3.org/2000/svg"/>'], 'x.svg', { type: 'image/svg+xml' }));
    list.dispatchEvent(new DragEvent('drop', { dataTransfer: svg, bubbles: true, cancelable: true }));
    await el.updateComplete;
    equal($(el, '.composer-error').textContent, 'Only PNG, JPEG, GIF and WebP images can be sent.');
  });

  it('shows joins and leaves as system lines and emits chat-join / chat-leave', async () => {
    const el = await mount();
    const code = await createRoomIn(el, 'Ada');
    const joined = nextEvent(el, 'chat-join');
    const carol = await sdkClient().joinRoom(code, { name: 'Carol' });
    const joinEvent = await joined;
    equal(joinEvent.detail.member.name, 'Carol');
    equal(joinEvent.detail.self, false);
    // Right after Ada's own join line: one line for the run of joins.
    await waitFor(() => messageTexts(el).includes('Ada and Carol joined'), 'the join line');
    await waitFor(() => $(el, '.members-count').textContent === '2 here', 'two members');
    const left = nextEvent(el, 'chat-leave');
    await carol.leave();
    equal((await left).detail.member.name, 'Carol');
    await waitFor(() => messageTexts(el).includes('Ada and Carol joined, Carol left'), 'the leave line, in the same run');
    await waitFor(() => $(el, '.members-count').textContent === '1 here', 'one member');
  });

  it('scrolls with new messages only when already at the bottom, and offers a jump back', async () => {
    const bobRoom = await roomByBob();
    for (let i = 1; i <= 30; i++) await bobRoom.send(`filler ${i}`);
    const el = await mount({ room: bobRoom.code, name: 'Ada' });
    el.style.height = '420px';
    await nextEvent(el, 'chat-ready');
    const list = $(el, '.messages');
    await waitFor(() => list.scrollHeight - list.scrollTop - list.clientHeight < 2, 'starts at the bottom');
    await bobRoom.send('while at bottom');
    await waitFor(() => messageTexts(el).includes('while at bottom'), 'arrives');
    await el.updateComplete;
    assert(list.scrollHeight - list.scrollTop - list.clientHeight < 2, 'followed the new message');
    list.scrollTop = 200;
    await new Promise((r) => requestAnimationFrame(r));
    await bobRoom.send('while reading');
    await waitFor(() => messageTexts(el).includes('while reading'), 'arrives');
    await el.updateComplete;
    equal(list.scrollTop, 200, 'the reader is not moved');
    $<HTMLButtonElement>(el, '.new-below').click();
    await el.updateComplete;
    assert(list.scrollHeight - list.scrollTop - list.clientHeight < 2, 'jumped to the bottom');
  });

  /** Ada's widget, 420 px tall, in a room of Bob's that holds 75 messages: more than one page. */
  async function mountInLongRoom(): Promise<{ bobRoom: Room; el: ChatRoomElement }> {
    const bobRoom = await roomByBob();
    for (let i = 1; i <= 75; i++) await bobRoom.send(`old ${i}`);
    const el = await mount({ room: bobRoom.code, name: 'Ada' });
    el.style.height = '420px';
    await nextEvent(el, 'chat-ready');
    await el.updateComplete;
    return { bobRoom, el };
  }

  /** Scrolls the message list to the top, and waits for the older page that loads. */
  async function scrollToOldest(el: ChatRoomElement): Promise<void> {
    const list = $(el, '.messages');
    list.scrollTop = 0;
    list.dispatchEvent(new Event('scroll'));
    await waitFor(() => messageTexts(el).includes('old 1'), 'older messages loaded');
  }

  it('loads older messages on scroll up and keeps the visible messages in place', async () => {
    const { el } = await mountInLongRoom();
    assert(!messageTexts(el).includes('old 1'), 'the first page is the newest');
    assert($(el, '.load-older'), 'a button offers older messages');
    const list = $(el, '.messages');
    const firstSeq = $$(el, '[data-seq]')[0]!.dataset['seq'];
    await scrollToOldest(el);
    await el.updateComplete;
    const anchor = shadow(el).querySelector<HTMLElement>(`[data-seq="${firstSeq}"]`)!;
    assert(anchor.offsetTop - list.scrollTop < list.clientHeight && anchor.offsetTop - list.scrollTop >= -5, 'the previously first message is still in view');
    await waitFor(() => $(el, '.history-edge').textContent?.includes('beginning'), 'the start of the room is shown');
  });

  it('keeps each row its own element while older messages load above and new ones arrive', async () => {
    const { bobRoom, el } = await mountInLongRoom();
    const rows = new Map($$(el, '[data-seq]').map((row) => [row.dataset['seq'], row]));
    await scrollToOldest(el);
    await bobRoom.send('newest');
    await waitFor(() => messageTexts(el).includes('newest'), 'a new message arrives');
    await el.updateComplete;
    for (const [seq, row] of rows) {
      assert(shadow(el).querySelector(`[data-seq="${seq}"]`) === row, `row ${seq} is the same element, not another row's`);
    }
  });

  it("keeps focus on a failed message's Retry while other messages arrive", async () => {
    const bobRoom = await roomByBob();
    const el = await mount({ room: bobRoom.code, name: 'Ada' });
    await nextEvent(el, 'chat-ready');
    const room = el.currentRoom!;
    room.uploadImage = () => Promise.reject(new ChatError(ErrorCode.INTERNAL, 'simulated'));
    const data = new DataTransfer();
    data.items.add(await pngFile());
    const input = $<HTMLInputElement>(el, '#file');
    input.files = data.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await waitFor(() => $(el, '.retry'), 'shown as failed');
    const retry = $<HTMLButtonElement>(el, '.retry');
    retry.focus();
    await bobRoom.send('meanwhile');
    await waitFor(() => messageTexts(el).includes('meanwhile'), 'a message arrives above the failed one');
    await el.updateComplete;
    equal(shadow(el).activeElement, retry, 'focus stays on the same Retry button');
    equal($(el, '.retry'), retry);
  });

  it('exits to the home view, emitting chat-leave for the visitor', async () => {
    const el = await mount();
    const code = await createRoomIn(el, 'Ada');
    const left = nextEvent(el, 'chat-leave');
    $<HTMLButtonElement>(el, '.exit').click();
    await el.updateComplete;
    $<HTMLButtonElement>(el, '.exit-yes').click(); // "Leave this room?" (states.test.ts)
    const event = await left;
    equal(event.detail.self, true);
    equal(event.detail.room, code);
    await el.updateComplete;
    equal(el.room, '');
    assert($(el, '.home'), 'back home');
    equal($<HTMLInputElement>(el, '#name').value, 'Ada', 'the name is kept for the next room');
  });
});

describe('<chat-room> keyboard use', () => {
  it('goes from name to a room and a sent message with the keyboard alone, with visible focus', async () => {
    const el = await mount();
    $(el, '#name').focus();
    await sendKeys({ type: 'Kim' });
    await sendKeys({ press: 'Tab' });
    equal(shadow(el).activeElement, $(el, '#code'), 'Tab moves to the code');
    await sendKeys({ press: 'Tab' });
    equal(shadow(el).activeElement, $(el, '.join'), 'then to Join');
    await sendKeys({ press: 'Tab' });
    const create = $(el, '.create');
    equal(shadow(el).activeElement, create, 'then to Create');
    assert(getComputedStyle(create).boxShadow !== 'none', 'the focused button shows a focus ring');
    const ready = nextEvent(el, 'chat-ready');
    await sendKeys({ press: 'Enter' });
    await ready;
    await waitFor(() => shadow(el).activeElement === $(el, '#input'), 'focus lands in the composer');
    await sendKeys({ type: 'typed, not clicked' });
    await sendKeys({ press: 'Enter' });
    await waitFor(() => $$(el, '.msg.own:not(.pending) .bubble').some((b) => b.textContent === 'typed, not clicked'), 'sent');
    // The message list is a focusable live region, so keyboard users can scroll it.
    const list = $(el, '.messages');
    equal(list.getAttribute('role'), 'log');
    equal(list.tabIndex, 0);
  });
});

describe('<chat-room> attributes and properties', () => {
  it('joins from room and name attributes, and switches rooms when room changes', async () => {
    const first = await roomByBob();
    const second = await roomByBob();
    const el = await mount({ room: first.code, name: 'Ada' });
    equal((await nextEvent(el, 'chat-ready')).detail.room, first.code);
    const leftFirst = nextEvent(el, 'chat-leave');
    const ready = nextEvent(el, 'chat-ready');
    el.room = second.code;
    equal((await ready).detail.room, second.code);
    equal((await leftFirst).detail.room, first.code);
    await el.updateComplete;
    equal($(el, '.room-code').textContent, second.code);
    el.room = '';
    await waitFor(() => shadow(el).querySelector('.home'), 'clearing room leaves');
  });

  it('stays in the current room when switching to an unknown code, and says why', async () => {
    const bobRoom = await roomByBob();
    const el = await mount({ room: bobRoom.code, name: 'Ada' });
    await nextEvent(el, 'chat-ready');
    const error = nextEvent(el, 'chat-error');
    el.room = 'ZZZZZZZZ';
    equal((await error).detail.code, ErrorCode.ROOM_NOT_FOUND);
    await el.updateComplete;
    equal(el.room, bobRoom.code, 'room goes back to the room the visitor is in');
    equal($(el, '.room-code').textContent, bobRoom.code);
    assert($(el, '.composer-error').textContent?.includes('no room with that code'), 'the reason shows');
  });

  it('leaves when removed from the page and comes back when re-inserted', async () => {
    const bobRoom = await roomByBob();
    const el = await mount({ room: bobRoom.code, name: 'Ada' });
    await nextEvent(el, 'chat-ready');
    const box = el.parentElement!;
    // Moving the element within one task keeps the connection.
    const client = el.client;
    box.append(el);
    await new Promise((r) => setTimeout(r, 50));
    equal(el.client, client, 'a move keeps the same connection');
    el.remove();
    await waitFor(() => el.client === null, 'removal closes the connection');
    const ready = nextEvent(el, 'chat-ready');
    box.append(el);
    equal((await ready).detail.room, bobRoom.code, 'rejoined on re-insertion');
  });

  it('shows the name property in the name field, even where the visitor had typed over it', async () => {
    const el = await mount({ name: 'Ada' });
    const field = $<HTMLInputElement>(el, '#name');
    equal(field.value, 'Ada');
    type(field, 'Bob');
    // The page changes the name and changes it back before the element updates.
    el.name = 'Eve';
    el.name = 'Ada';
    await el.updateComplete;
    equal(field.value, 'Ada', 'the field follows the property, not what was last rendered');
  });

  it('with only room set, asks for the name with the code filled in', async () => {
    const bobRoom = await roomByBob();
    const el = await mount({ room: bobRoom.code });
    equal($<HTMLInputElement>(el, '#code').value, bobRoom.code);
    type($<HTMLInputElement>(el, '#name'), 'Ada');
    const ready = nextEvent(el, 'chat-ready');
    $<HTMLButtonElement>(el, '.join').click();
    equal((await ready).detail.room, bobRoom.code);
  });

  it('uses the built-in French strings with lang="fr" and accepts string overrides', async () => {
    const el = await mount({ lang: 'fr' });
    equal($<HTMLInputElement>(el, '#name').placeholder, 'Choisissez un nom !');
    equal($(el, '.create').textContent?.trim(), 'Créer un salon');
    el.strings = { create: 'Nouveau salon' };
    await el.updateComplete;
    equal($(el, '.create').textContent?.trim(), 'Nouveau salon');
    const english = await mount();
    english.strings = { title: 'Support chat' };
    await english.updateComplete;
    equal($(english, 'h2').textContent, 'Support chat');
    const fromAttribute = await mount({ strings: '{"join":"Enter","errors":{"ROOM_NOT_FOUND":"Nope"}}' });
    equal($(fromAttribute, '.join').textContent?.trim(), 'Enter', 'a JSON attribute works too');
  });

  it('is themeable through --chat-* custom properties and parts, light and dark', async () => {
    const style = document.createElement('style');
    style.textContent = `.themed { --chat-accent: rgb(0, 128, 0); } .themed::part(header) { border-bottom-color: rgb(255, 0, 0); }`;
    document.head.append(style);
    try {
      const el = await mount({ class: 'themed', theme: 'light' });
      await createRoomIn(el, 'Ada');
      equal(getComputedStyle($(el, '.send')).backgroundColor, 'rgb(0, 128, 0)');
      equal(getComputedStyle($(el, 'header')).borderBottomColor, 'rgb(255, 0, 0)');
      const lightBg = getComputedStyle($(el, '.frame')).backgroundColor;
      el.theme = 'dark';
      await el.updateComplete;
      const darkBg = getComputedStyle($(el, '.frame')).backgroundColor;
      assert(lightBg !== darkBg, `dark theme changes the background (${lightBg} vs ${darkBg})`);
      await expectAccessible(el);
    } finally {
      style.remove();
    }
  });
});

describe('<chat-room mode="launcher">', () => {
  it('opens from a floating button, counts unread messages while closed, and closes with Escape', async () => {
    const bobRoom = await roomByBob();
    const el = await mount({ mode: 'launcher', room: bobRoom.code, name: 'Ada' });
    await nextEvent(el, 'chat-ready');
    const launcher = $<HTMLButtonElement>(el, '.launcher');
    equal(launcher.getAttribute('aria-expanded'), 'false');
    assert($(el, '.panel').hidden, 'the panel starts closed');
    await bobRoom.send('psst');
    await waitFor(() => shadow(el).querySelector('.badge')?.textContent === '1', 'an unread badge');
    assert(launcher.getAttribute('aria-label')?.includes('1 unread message'), 'the count is in the label');
    launcher.click();
    await el.updateComplete;
    assert(el.open && !$(el, '.panel').hidden, 'opened');
    equal(shadow(el).querySelector('.badge'), null, 'opening clears the badge');
    await waitFor(() => shadow(el).activeElement === $(el, '#input'), 'focus moves into the panel');
    await expectAccessible(el);
    await sendKeys({ press: 'Escape' });
    await waitFor(() => !el.open, 'Escape closes the panel');
    await waitFor(() => shadow(el).activeElement === launcher, 'focus returns to the launcher');
  });
});
