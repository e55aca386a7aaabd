// End to end: /widget.js as a loader, in Chromium (playwright-core), on pages of another origin
// served here. What is fetched when (the launcher's rest only on the first open, the inline
// element's when it scrolls into view), a server that is down when the page loads and comes up
// later, and Arabic from the page's <html lang>.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions, startChatServer } from './chat-server.mjs';
import { w, watch } from './pages.mjs';

const dist = new URL('../dist/', import.meta.url);

/** A site of its own origin serving one page (and, when asked, the widget's files, as a copy or a CDN would). */
async function site(html, { widget = false } = {}) {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (widget && /^\/(widget\.js|widget\/[\w.-]+\.js)$/.test(path)) {
      res.writeHead(200, { 'content-type': 'application/javascript' });
      res.end(await readFile(new URL(`.${path}`, dist)));
      return;
    }
    res.writeHead(path === '/' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(path === '/' ? html : 'not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${server.address().port}/`;
}

/** The URLs a page requests, from now on. */
function requests(page) {
  const urls = [];
  page.on('request', (r) => urls.push(r.url()));
  return urls;
}
const isRest = (url) => /\/widget\/chat-room\.[\w-]+\.js$/.test(url);

describe('/widget.js, the loader', { timeout: 120_000 }, () => {
  let chat;
  let browser;
  before(async () => {
    chat = await startChatServer();
    browser = await chromium.launch(chromiumLaunchOptions);
  });
  after(async () => {
    await browser?.close();
    await chat?.close();
  });

  it('draws the launcher at once and fetches nothing more until it is first opened', async () => {
    const url = await site(`<!doctype html><html lang="en"><title>Shop</title><body><h1>Shop</h1>
      <script src="${chat.url}/widget.js" defer></script><chat-room mode="launcher" title-text="Ask the shop"></chat-room></body></html>`);
    const page = await (await browser.newContext({ viewport: { width: 1000, height: 700 } })).newPage();
    const problems = await watch(page);
    const urls = requests(page);
    await page.goto(url);
    await w(page, '.launcher').waitFor();
    await page.waitForLoadState('networkidle');
    const beforeOpen = urls.filter((u) => u.startsWith(chat.url));
    assert.deepEqual(beforeOpen, [`${chat.url}/widget.js`], 'only the loader, and no connection, before the first open');
    const box = await w(page, '.launcher').boundingBox();
    assert.ok(box.width === 60 && box.x > 900, 'the button is drawn in its corner by the loader alone');
    await w(page, '.launcher').click();
    await w(page, '#name').waitFor();
    assert.ok(urls.some(isRest), 'the rest loaded on the first open');
    await page.waitForFunction(() => document.querySelector('chat-room').shadowRoot.activeElement?.id === 'name');
    assert.equal((await w(page, '.panel-title').textContent()).trim(), 'Ask the shop');
    assert.equal(await w(page, '.launcher').count(), 1, 'one button once the element took over');
    // Hiding keeps the visitor; the same element object became the full one.
    assert.equal(await page.evaluate(() => typeof document.querySelector('chat-room').exit), 'function');
    await w(page, '.panel-bar .hide').click();
    await page.waitForFunction(() => !document.querySelector('chat-room').open);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('loads the inline element when it is scrolled into view, in the box it held from the start', async () => {
    const url = await site(`<!doctype html><html lang="en"><title>Blog</title><body>
      <article style="height: 2400px">A long post</article>
      <script src="${chat.url}/widget.js" defer></script><chat-room style="height: 500px"></chat-room></body></html>`);
    const page = await (await browser.newContext({ viewport: { width: 900, height: 700 } })).newPage();
    const problems = await watch(page);
    const urls = requests(page);
    await page.goto(url);
    await page.waitForLoadState('networkidle');
    assert.ok(!urls.some(isRest), 'not loaded while far below the fold');
    const reserved = await page.locator('chat-room').boundingBox();
    assert.equal(reserved.height, 500, 'its space is reserved: nothing moves when it loads');
    await page.locator('chat-room').scrollIntoViewIfNeeded();
    await w(page, '#name').waitFor();
    assert.ok(urls.some(isRest), 'loaded once in view');
    assert.deepEqual(await page.locator('chat-room').boundingBox(), await page.locator('chat-room').boundingBox());
    assert.equal((await page.locator('chat-room').boundingBox()).height, 500);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('shows a server that is down at load, waits for it without a false timeout, and creates the room once it is up', { timeout: 90_000 }, async () => {
    // A port that nothing listens on yet: the chat server starts there later.
    const probe = createServer();
    await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = probe.address().port;
    await new Promise((resolve) => probe.close(resolve));
    const server = `http://127.0.0.1:${port}`;
    const url = await site(
      `<!doctype html><html lang="en"><title>Help</title><body><script src="/widget.js" defer></script>
      <chat-room server="${server}" style="height: 520px"></chat-room></body></html>`,
      { widget: true },
    );
    const page = await (await browser.newContext({ viewport: { width: 900, height: 700 } })).newPage();
    const problems = await watch(page);
    await page.goto(url);
    const box = await page.locator('chat-room').boundingBox();
    assert.ok(box.width > 0 && box.height === 520, 'the element shows itself (not 0×0)');
    await page.locator('chat-room .banner', { hasText: 'Waiting for the server' }).waitFor();
    await w(page, '#name').fill('Early');
    await w(page, '.create').click();
    await page.locator('chat-room .create', { hasText: 'Connecting…' }).waitFor();
    // Longer than the SDK's 10 s request timeout: still waiting, and no "did not answer in time".
    await page.waitForTimeout(11_000);
    assert.equal(await page.locator('chat-room .form-error').isHidden(), true, 'no error while the server is down');
    assert.equal((await w(page, '.create').textContent()).trim(), 'Connecting…');
    const late = await startChatServer({}, { port });
    try {
      await w(page, '.room-code').waitFor({ timeout: 30_000 });
      await page.waitForFunction(() => document.querySelector('chat-room').shadowRoot.querySelector('.banner')?.hidden !== false);
    } finally {
      await page.context().close();
      await late.close();
    }
    assert.deepEqual(
      problems.filter((p) => !/ERR_CONNECTION_REFUSED/.test(p)),
      [],
      'nothing but the refused connections of the wait',
    );
  });

  it('takes Arabic from the page and mirrors the launcher and its panel', async () => {
    const url = await site(`<!doctype html><html lang="ar" dir="rtl"><title>متجر</title><body>
      <script src="${chat.url}/widget.js" defer></script><chat-room mode="launcher"></chat-room></body></html>`);
    const page = await (await browser.newContext({ viewport: { width: 1000, height: 700 } })).newPage();
    const problems = await watch(page);
    await page.goto(url);
    assert.equal(await w(page, '.launcher').getAttribute('aria-label'), 'فتح الدردشة');
    assert.ok((await w(page, '.launcher').boundingBox()).x < 100, 'the button sits bottom left');
    await w(page, '.launcher').click();
    await w(page, '#name').waitFor();
    assert.equal(await w(page, '.frame').evaluate((el) => getComputedStyle(el).direction), 'rtl');
    assert.ok((await w(page, '.panel').boundingBox()).x < 100, 'the panel opens on the left');
    assert.equal((await w(page, '.create').textContent()).trim(), 'إنشاء غرفة');
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
