// Serves the built app on http://localhost:8081 (or a free port), pointed at a Roomchat server:
// ROOMCHAT_URL if set, else the one `npm start` runs on http://localhost:3000, else one of its own
// (data in ./data). It says which.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const NPM_START_URL = 'http://localhost:3000';

/** Whether a Roomchat server answers at this URL (its /healthz). */
async function isRoomchat(url) {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1500) });
    return typeof (await res.json()).database === 'string';
  } catch {
    return false;
  }
}

/** Whether nothing listens on this port of localhost. */
function isFree(port) {
  return new Promise((resolve) => {
    const probe = createNetServer()
      .once('error', () => resolve(false))
      .listen(port, 'localhost', () => probe.close(() => resolve(true)));
  });
}

/** The Roomchat server to use, and how it was found. */
async function roomchatServer() {
  if (process.env.ROOMCHAT_URL) return { url: process.env.ROOMCHAT_URL.replace(/\/+$/, ''), how: 'from ROOMCHAT_URL' };
  if (await isRoomchat(NPM_START_URL)) return { url: NPM_START_URL, how: 'the one already running there' };
  const { createChatServer } = await import('@roomchat/server');
  const chat = createChatServer({ dataDir: join(here, 'data'), logLevel: 'warn' });
  // Port 3000 when it is free, like `npm start`; else any free port rather than a crash.
  const port = (await isFree(3000)) ? 3000 : 0;
  const { url } = await chat.listen({ port, host: 'localhost' });
  return { url, how: port ? 'started by this example, data in examples/bundler-app/data' : 'started by this example on a free port, as 3000 is taken by something else' };
}

/** Listens on the preferred port, or on a free one when that is taken. */
function listen(server, preferred) {
  return new Promise((resolve, reject) => {
    server.once('error', (error) => {
      if (error.code !== 'EADDRINUSE') return reject(error);
      server.listen(0, 'localhost', () => resolve(server.address().port));
    });
    server.listen(preferred, 'localhost', () => resolve(server.address().port));
  });
}

const chat = await roomchatServer();
const types = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
};
const page = createServer(async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const file = path === '/' ? 'index.html' : path.slice(1);
  if (!(extname(file) in types) || file.includes('..')) return void res.writeHead(404).end('not found');
  try {
    res.writeHead(200, { 'content-type': types[extname(file)] }).end(await readFile(join(here, file)));
  } catch {
    res.writeHead(404).end('not found');
  }
});
const preferred = Number(process.env.PORT ?? 8081);
const port = await listen(page, preferred);
console.log(`Roomchat server: ${chat.url} (${chat.how})`);
console.log(`The app: http://localhost:${port}/?server=${encodeURIComponent(chat.url)}${port === preferred ? '' : ` (port ${preferred} is taken)`}`);
console.log('Ctrl+C stops it.');
