import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { createStorage, startServer, type RunningServer, type TestStorage } from './testing.js';

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

/** GET / with a Host header of our choosing (fetch does not let one set it). */
function getDemoPage(host: string): Promise<string> {
  const { port } = new URL(running.url);
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/', headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve(body));
    })
      .on('error', reject)
      .end();
  });
}

test('the demo page shows the embed snippet with the address it was reached at', async () => {
  const html = await (await fetch(running.url + '/')).text();
  const origin = running.url.replace(/\/$/, '');
  assert.ok(html.includes(`&lt;script src="<span class="origin">${origin}</span>/widget.js" defer&gt;`), 'the snippet names this server');
  assert.ok(!html.includes('your-server'), 'no placeholder is left');
});

test('the embed snippet escapes a hostile Host header', async () => {
  const html = await getDemoPage('evil"><img src=x onerror=alert(1)>');
  assert.ok(!html.includes('<img src=x'), 'the Host header is not written into the page as markup');
});
