import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { conditionalGet, createStorage, startServer, type RunningServer, type TestStorage } from './testing.js';

let storage: TestStorage;
let running: RunningServer;
before(async () => {
  storage = await createStorage('sqlite');
  running = await startServer(storage.options);
});
after(async () => {
  await running.server.close();
  await storage.dispose();
});

test('/ serves the demo page under a strict Content-Security-Policy, with its stylesheet', async () => {
  const page = await fetch(running.url + '/');
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  const csp = page.headers.get('content-security-policy') ?? '';
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  const html = await page.text();
  assert.match(html, /<script src="\/widget\.js" defer><\/script>/);
  assert.match(html, /<chat-room/);
  const css = await fetch(running.url + '/demo.css');
  assert.equal(css.status, 200);
  assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
});

test('/widget.js serves the built bundle with caching headers and revalidation', async () => {
  const res = await fetch(running.url + '/widget.js');
  assert.equal(res.status, 200, 'the widget is built by `npm run build`, which `npm test` runs first');
  assert.match(res.headers.get('content-type') ?? '', /^application\/javascript/);
  assert.match(res.headers.get('cache-control') ?? '', /max-age=\d+/);
  assert.ok((await res.text()).includes('chat-room'));
  assert.equal(await conditionalGet(running.url + '/widget.js', res.headers.get('etag')!), 304);
});

test('the rest of the widget, which /widget.js imports, is served beside it, cached for good and readable cross-origin', async () => {
  const loader = await (await fetch(running.url + '/widget.js')).text();
  const rest = /widget\/chat-room\.[\w-]+\.js/.exec(loader)?.[0];
  assert.ok(rest, 'the loader names the rest by its hashed file name');
  const res = await fetch(`${running.url}/${rest}`, { headers: { origin: 'https://shop.example' } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/javascript/);
  assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal(res.headers.get('access-control-allow-origin'), '*', 'an ES module from another origin is fetched in CORS mode');
  assert.match(await res.text(), /ChatRoomElement/);
  for (const path of ['/widget/nope.abc.js', '/widget/..%2Fwidget.js', '/widget/..%2F..%2Fpackage.json', '/widget/chat-room.js']) {
    assert.equal((await fetch(running.url + path)).status, 404, path);
  }
});
