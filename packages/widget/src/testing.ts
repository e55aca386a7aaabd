/**
 * Helpers for the widget's browser tests (run by @web/test-runner with mocha in real Chromium).
 * Not part of the package's API; `files` in package.json leaves it out of the published build.
 */
import { ChatClient, type ChatClientOptions } from '@roomchat/sdk';
import type { ChatRoomElement } from './chat-room.js';

type TestFn = () => void | Promise<void>;
interface Mocha {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: TestFn): void;
  beforeEach(fn: TestFn): void;
  afterEach(fn: TestFn): void;
}
// wtr's mocha defines these globals; importing them by name keeps test files free of ambient types.
const mocha = globalThis as unknown as Mocha;
export const describe = mocha.describe.bind(globalThis);
export const it = mocha.it.bind(globalThis);
export const beforeEach = mocha.beforeEach.bind(globalThis);
export const afterEach = mocha.afterEach.bind(globalThis);

/** The URL of the real Roomchat server the test runner started (see web-test-runner.config.js). */
export const serverUrl: string = (globalThis as unknown as { ROOMCHAT_TEST_SERVER: string }).ROOMCHAT_TEST_SERVER;

export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function equal<T>(actual: T, expected: T, message = ''): void {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(`${message ? message + ': ' : ''}expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/** Polls until `check` returns a truthy value, and returns it; fails after `timeout` ms. */
export async function waitFor<T>(check: () => T | Promise<T>, message: string, timeout = 5000): Promise<NonNullable<T>> {
  const start = performance.now();
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (performance.now() - start > timeout) {
      throw new AssertionError(`timed out after ${timeout} ms waiting for: ${message}${last ? ` (last error: ${String(last)})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Resolves with the next event of that name dispatched on (or bubbling through) `target`. */
export function nextEvent<K extends keyof HTMLElementEventMap>(target: EventTarget, name: K, timeout = 8000): Promise<HTMLElementEventMap[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new AssertionError(`no ${name} event within ${timeout} ms`)), timeout);
    target.addEventListener(
      name,
      (event) => {
        clearTimeout(timer);
        resolve(event as HTMLElementEventMap[K]);
      },
      { once: true },
    );
  });
}

const mounted: HTMLElement[] = [];
const clients: ChatClient[] = [];

/** Adds a `<chat-room>` pointed at the test server, with the given attributes, to the page. */
export async function mount(attributes: Record<string, string> = {}, parent: HTMLElement = document.body): Promise<ChatRoomElement> {
  const box = document.createElement('div');
  box.className = 'test-box';
  const el = document.createElement('chat-room');
  el.setAttribute('server', serverUrl);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  box.append(el);
  parent.append(box);
  mounted.push(box);
  await el.updateComplete;
  return el;
}

/** A second participant, speaking through the SDK directly. */
export function sdkClient(options: Partial<ChatClientOptions> = {}): ChatClient {
  const client = new ChatClient({ url: serverUrl, ...options });
  clients.push(client);
  return client;
}

type AxeApi = typeof import('axe-core');

/** Runs axe-core (loaded by the test page) on the element, its shadow tree included, and fails on any violation. */
export async function expectAccessible(el: ChatRoomElement): Promise<void> {
  const axe = (globalThis as unknown as { axe: AxeApi }).axe;
  const results = await axe.run(el, { resultTypes: ['violations'] });
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join(', ')})`);
  assert(summary.length === 0, `axe-core violations:\n${summary.join('\n')}`);
}

/** Removes mounted elements and closes SDK clients; call from afterEach. */
export function cleanup(): void {
  for (const box of mounted.splice(0)) box.remove();
  for (const client of clients.splice(0)) client.close();
  try {
    sessionStorage.clear();
    localStorage.clear();
  } catch {
    // ignore
  }
}

/** The element's shadow root, asserted present. */
export function shadow(el: ChatRoomElement): ShadowRoot {
  assert(el.shadowRoot, 'the element has an open shadow root');
  return el.shadowRoot;
}

export function $<E extends Element = HTMLElement>(el: ChatRoomElement, selector: string): E {
  const found = shadow(el).querySelector<E>(selector);
  assert(found, `no ${selector} in <chat-room>`);
  return found;
}

export function $$<E extends Element = HTMLElement>(el: ChatRoomElement, selector: string): E[] {
  return [...shadow(el).querySelectorAll<E>(selector)];
}

/** Sets an input's value as typing would, firing `input`; await the element's update before clicking. */
export function type(input: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}

/** A small PNG drawn on a canvas, as a File. */
export async function pngFile(width = 64, height = 48, color = '#4f46e5', name = 'picture.png'): Promise<File> {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  assert(ctx, '2d context');
  ctx.fillStyle = color;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(width / 4, height / 4, width / 2, height / 2);
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  return new File([blob], name, { type: 'image/png' });
}

/** Creates a room through the widget's home view and waits until the room view shows. */
export async function createRoomIn(el: ChatRoomElement, name: string): Promise<string> {
  type($<HTMLInputElement>(el, '#name'), name);
  const ready = nextEvent(el, 'chat-ready');
  $<HTMLButtonElement>(el, '.create').click();
  const event = await ready;
  await el.updateComplete;
  return event.detail.room;
}

/** The visible text of the message rows, in order. */
export function messageTexts(el: ChatRoomElement): string[] {
  return $$(el, '.messages .bubble, .messages .system-text').map((n) => (n.textContent ?? '').replace(/\s+/g, ' ').trim());
}
