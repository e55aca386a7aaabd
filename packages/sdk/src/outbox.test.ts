import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localStorageOutboxStore, memoryOutboxStore, Outbox, type OutboxEntry, type OutboxStore } from './outbox.js';

const HOUR = 60 * 60 * 1000;
const entry = (roomCode: string, clientId: string, queuedAt = new Date().toISOString()): OutboxEntry => ({ roomCode, clientId, text: `${roomCode}/${clientId}`, queuedAt });
const ids = (entries: OutboxEntry[]) => entries.map((e) => e.clientId);

/** A store whose saves are counted, and whose contents a test can change behind the outbox's back. */
function countingStore(initial: OutboxEntry[] = []) {
  const store = { saved: [...initial], saves: 0 };
  const api: OutboxStore = {
    load: () => store.saved,
    save: (entries) => {
      store.saves++;
      store.saved = [...entries];
    },
  };
  return { store, api };
}

test("a room's entries come back oldest first, and only that room's", () => {
  const outbox = new Outbox(memoryOutboxStore(), HOUR);
  outbox.add(entry('ROOMA', 'a1'));
  outbox.add(entry('ROOMB', 'b1'));
  outbox.add(entry('ROOMA', 'a2'));
  assert.deepEqual(ids(outbox.entries('ROOMA')), ['a1', 'a2']);
  assert.deepEqual(ids(outbox.entries('ROOMB')), ['b1']);
  assert.deepEqual(outbox.entries('ROOMC'), []);
});

test('adding a client id already queued in the room keeps the first and does not save again; the same id in another room is another entry', () => {
  const { store, api } = countingStore();
  const outbox = new Outbox(api, HOUR);
  outbox.add({ ...entry('ROOMA', 'same'), text: 'first' });
  outbox.add({ ...entry('ROOMA', 'same'), text: 'second' });
  assert.equal(store.saves, 1);
  assert.deepEqual(outbox.entries('ROOMA').map((e) => e.text), ['first']);
  outbox.add({ ...entry('ROOMB', 'same'), text: 'elsewhere' });
  assert.equal(outbox.entries('ROOMB').length, 1);
});

test('remove takes out exactly the entry of that room and client id, and saves only when something changed', () => {
  const { store, api } = countingStore();
  const outbox = new Outbox(api, HOUR);
  for (const [room, id] of [['ROOMA', 'x'], ['ROOMB', 'x'], ['ROOMA', 'y']] as const) outbox.add(entry(room, id));
  const saves = store.saves;
  outbox.remove('ROOMA', 'nope');
  outbox.remove('ROOMC', 'x');
  assert.equal(store.saves, saves, 'nothing removed, nothing saved');
  outbox.remove('ROOMA', 'x');
  assert.equal(store.saves, saves + 1);
  assert.deepEqual(ids(outbox.entries('ROOMA')), ['y']);
  assert.deepEqual(ids(outbox.entries('ROOMB')), ['x'], 'the same client id in another room stays');
});

test('entries older than the maximum age are dropped; one exactly at the limit is kept', (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: Date.UTC(2026, 11, 6, 12) });
  const now = Date.now();
  const at = (msAgo: number) => new Date(now - msAgo).toISOString();
  const { store, api } = countingStore([entry('ROOMA', 'old', at(HOUR + 1)), entry('ROOMA', 'edge', at(HOUR)), entry('ROOMA', 'new', at(1000))]);
  const outbox = new Outbox(api, HOUR);
  assert.deepEqual(ids(outbox.entries('ROOMA')), ['edge', 'new']);
  // An expired entry is not there for `add`'s duplicate check either, and the next save drops it.
  outbox.add(entry('ROOMA', 'old'));
  assert.deepEqual(ids(store.saved), ['edge', 'new', 'old']);
  t.mock.timers.tick(2000);
  assert.deepEqual(ids(outbox.entries('ROOMA')), ['new', 'old'], '"edge" aged past the limit');
});

test('every change reads the store afresh, so two outboxes on one store (two tabs) keep each other\'s entries', () => {
  const shared = memoryOutboxStore();
  const tab1 = new Outbox(shared, HOUR);
  const tab2 = new Outbox(shared, HOUR);
  tab1.add(entry('ROOMA', 'from-tab-1'));
  tab2.add(entry('ROOMA', 'from-tab-2'));
  assert.deepEqual(ids(tab1.entries('ROOMA')), ['from-tab-1', 'from-tab-2']);
  tab1.remove('ROOMA', 'from-tab-2');
  assert.deepEqual(ids(tab2.entries('ROOMA')), ['from-tab-1']);
});

test('the memory store keeps a copy: changing the array given to save changes nothing stored', () => {
  const store = memoryOutboxStore();
  assert.deepEqual(store.load(), []);
  const entries = [entry('ROOMA', 'a')];
  store.save(entries);
  entries.push(entry('ROOMA', 'b'));
  assert.deepEqual(ids(store.load()), ['a']);
});

/** A stand-in for the browser's localStorage, optionally refusing writes (as some private modes do). */
function fakeLocalStorage(options: { refuseWrites?: boolean; fullAfter?: number } = {}) {
  const data = new Map<string, string>();
  let writes = 0;
  const storage = {
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => {
      if (options.refuseWrites) throw new Error('SecurityError');
      if (options.fullAfter !== undefined && ++writes > options.fullAfter) throw new Error('QuotaExceededError');
      data.set(key, value);
    },
    removeItem: (key: string) => void data.delete(key),
  };
  return { data, storage };
}

function withLocalStorage(t: { after(fn: () => void): void }, storage: unknown): void {
  const previous = Object.getOwnPropertyDescriptor(globalThis, 'localStorage');
  Object.defineProperty(globalThis, 'localStorage', { value: storage, configurable: true, writable: true });
  t.after(() => {
    if (previous) Object.defineProperty(globalThis, 'localStorage', previous);
    else delete (globalThis as { localStorage?: unknown }).localStorage;
  });
}

test('the localStorage store keeps entries under its key as JSON, removes the key when empty, and leaves no probe behind', (t) => {
  const { data, storage } = fakeLocalStorage();
  withLocalStorage(t, storage);
  const store = localStorageOutboxStore('roomchat:outbox:test');
  assert.ok(store);
  assert.deepEqual([...data.keys()], [], 'the write probe was removed');
  assert.deepEqual(store.load(), []);
  store.save([entry('ROOMA', 'a')]);
  assert.deepEqual(ids(JSON.parse(data.get('roomchat:outbox:test')!)), ['a']);
  assert.deepEqual(ids(store.load()), ['a']);
  store.save([]);
  assert.equal(data.has('roomchat:outbox:test'), false);
});

test('opening the localStorage store keeps what an earlier page stored under its key', (t) => {
  const { data, storage } = fakeLocalStorage();
  withLocalStorage(t, storage);
  data.set('k', JSON.stringify([entry('ROOMA', 'from-before-the-reload')]));
  const store = localStorageOutboxStore('k')!;
  assert.deepEqual(ids(store.load()), ['from-before-the-reload'], 'the write probe used a key of its own');
});

test('the localStorage store ignores what is not a list of entries, and a full storage does not throw', (t) => {
  const { data, storage } = fakeLocalStorage({ fullAfter: 1 });
  withLocalStorage(t, storage);
  const store = localStorageOutboxStore('k')!;
  for (const junk of ['not json', '{"clientId":"a"}', '42', 'null']) {
    data.set('k', junk);
    assert.deepEqual(store.load(), [], junk);
  }
  data.set('k', JSON.stringify([entry('ROOMA', 'ok'), { roomCode: 'ROOMA' }, { clientId: 'x', roomCode: 7 }, null]));
  assert.deepEqual(ids(store.load()), ['ok'], 'malformed entries are dropped');
  assert.doesNotThrow(() => store.save([entry('ROOMA', 'b')]), 'a full storage keeps the entries in memory only');
});

test('there is no localStorage store where localStorage is missing or refuses writes', (t) => {
  withLocalStorage(t, undefined);
  assert.equal(localStorageOutboxStore('k'), undefined);
  withLocalStorage(t, fakeLocalStorage({ refuseWrites: true }).storage);
  assert.equal(localStorageOutboxStore('k'), undefined);
});
