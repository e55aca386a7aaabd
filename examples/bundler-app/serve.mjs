// Serves the built app on http://localhost:8081 and, unless ROOMCHAT_URL points at a running
// Roomchat server, starts one on http://localhost:3000 (data in ./data).
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const port = Number(process.env.PORT ?? 8081);
let chatUrl = process.env.ROOMCHAT_URL;
if (!chatUrl) {
  const { createChatServer } = await import('@roomchat/server');
  const chat = createChatServer({ dataDir: join(here, 'data') });
  ({ url: chatUrl } = await chat.listen({ port: 3000, host: 'localhost' }));
}
chatUrl = chatUrl.replace(/\/+$/, '');

const types = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
};
createServer(async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const file = path === '/' ? 'index.html' : path.slice(1);
  if (!(extname(file) in types) || file.includes('..')) return void res.writeHead(404).end('not found');
  try {
    res.writeHead(200, { 'content-type': types[extname(file)] }).end(await readFile(join(here, file)));
  } catch {
    res.writeHead(404).end('not found');
  }
}).listen(port, 'localhost', () => {
  console.log(`Roomchat server: ${chatUrl}`);
  console.log(`Open http://localhost:${port}/?server=${encodeURIComponent(chatUrl)}`);
});
