// Serves this folder on http://localhost:8080 and, unless ROOMCHAT_URL points at a Roomchat
// server that is already running, starts one on http://localhost:3000 (data in ./data).
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const port = Number(process.env.PORT ?? 8080);
let chatUrl = process.env.ROOMCHAT_URL;
if (!chatUrl) {
  const { createChatServer } = await import('@roomchat/server');
  const chat = createChatServer({ dataDir: join(here, 'data') });
  ({ url: chatUrl } = await chat.listen({ port: 3000, host: 'localhost' }));
}
chatUrl = chatUrl.replace(/\/+$/, '');

const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8' };
createServer(async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const file = path === '/' ? 'index.html' : path.slice(1);
  if (!(extname(file) in types) || file.includes('..')) {
    res.writeHead(404).end('not found');
    return;
  }
  try {
    let body = await readFile(join(here, file), 'utf8');
    // The page names http://localhost:3000; point it at the server in use.
    if (file === 'index.html') body = body.replaceAll('http://localhost:3000', chatUrl);
    res.writeHead(200, { 'content-type': types[extname(file)] }).end(body);
  } catch {
    res.writeHead(404).end('not found');
  }
}).listen(port, 'localhost', () => {
  console.log(`Roomchat server: ${chatUrl}`);
  console.log(`Open http://localhost:${port} (in two windows to chat with yourself)`);
});
