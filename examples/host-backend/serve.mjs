// One command: starts a Roomchat server of its own (data in ./data), makes an app for this site
// (kept in ./data/app.json, its origin set to the site's), and serves the site.
// With ROOMCHAT_URL, ROOMCHAT_APP_ID and ROOMCHAT_APP_SECRET set, it uses that server and app instead.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSite } from './site.js';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The preferred port when it is free, else one the system picks. */
function freePort(preferred) {
  return new Promise((resolve) => {
    const probe = createNetServer()
      .once('error', () => {
        const any = createNetServer().listen(0, 'localhost', () => {
          const { port } = any.address();
          any.close(() => resolve(port));
        });
      })
      .listen(preferred, 'localhost', () => probe.close(() => resolve(preferred)));
  });
}

const port = await freePort(Number(process.env.PORT ?? 8081));
// The app admits pages of this origin only (ORIGIN_NOT_ALLOWED otherwise).
const origin = `http://localhost:${port}`;

let chat;
if (process.env.ROOMCHAT_URL && process.env.ROOMCHAT_APP_ID && process.env.ROOMCHAT_APP_SECRET) {
  chat = { chatUrl: process.env.ROOMCHAT_URL.replace(/\/+$/, ''), appId: process.env.ROOMCHAT_APP_ID, appSecret: process.env.ROOMCHAT_APP_SECRET, how: 'from ROOMCHAT_URL' };
} else {
  const { createChatServer } = await import('@roomchat/server');
  const dataDir = join(here, 'data');
  await mkdir(dataDir, { recursive: true });
  const server = createChatServer({ dataDir, logLevel: 'warn' });
  const { url } = await server.listen({ port: 0, host: 'localhost' });
  const saved = join(dataDir, 'app.json');
  let app;
  try {
    app = await server.apps.update(JSON.parse(await readFile(saved, 'utf8')).id, { origins: [origin] });
  } catch {
    app = await server.apps.create('Host backend example', [origin]);
    await writeFile(saved, JSON.stringify({ id: app.id }));
  }
  chat = { chatUrl: url, appId: app.id, appSecret: app.secret, how: 'started by this example, data in examples/host-backend/data' };
}

createSite(chat).listen(port, 'localhost', () => {
  console.log(`Roomchat server: ${chat.chatUrl} (${chat.how})`);
  console.log(`The site: ${origin}/  (sign in, open a product; a private window is a second user)`);
  console.log('Ctrl+C stops it.');
});
