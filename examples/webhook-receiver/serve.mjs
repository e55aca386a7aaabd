// One command beside a running `npm start` (the server at http://localhost:3000, data in ./data at
// the repository root): registers this receiver as a webhook endpoint of the default app with the
// CLI, prints each verified event, and removes the endpoint on Ctrl+C.
// With ROOMCHAT_URL, ROOMCHAT_APP_ID and ROOMCHAT_APP_SECRET set, it registers through that
// server's API instead; with WEBHOOK_SECRET set, it only listens (you added the endpoint yourself).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createReceiver } from './receiver.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const port = Number(process.env.PORT ?? 8082);
const url = `http://localhost:${port}/roomchat-events`;
const cli = (...args) => promisify(execFile)(process.execPath, [`${root}packages/server/dist/src/cli.js`, 'webhooks', ...args, '--data-dir', `${root}data`]);

let secret = process.env.WEBHOOK_SECRET;
let unregister = async () => {};
if (!secret && process.env.ROOMCHAT_URL) {
  const api = `${process.env.ROOMCHAT_URL.replace(/\/+$/, '')}/v1/webhooks`;
  const headers = { 'roomchat-app': process.env.ROOMCHAT_APP_ID ?? 'default', authorization: `Roomchat-Secret ${process.env.ROOMCHAT_APP_SECRET}` };
  const answer = await (await fetch(api, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ url }) })).json();
  if (!answer.endpoint) throw new Error(`Could not add the endpoint: ${JSON.stringify(answer)}`);
  secret = answer.endpoint.secret;
  unregister = () => fetch(`${api}/${answer.endpoint.id}`, { method: 'DELETE', headers });
} else if (!secret) {
  const endpoint = JSON.parse((await cli('add', '--app', 'default', '--url', url)).stdout);
  secret = endpoint.secret;
  unregister = () => cli('remove', endpoint.id);
}

createReceiver({
  secret,
  onEvent: (event) => console.log(`${event.createdAt} ${event.type} ${event.room ? `room ${event.room.code}` : ''} ${JSON.stringify(event.data)}`),
}).listen(port, 'localhost', () => {
  console.log(`Receiving Roomchat webhooks at ${url}; chat at http://localhost:3000/ to see events (within 5 s). Ctrl+C stops it.`);
});
process.once('SIGINT', () => void unregister().finally(() => process.exit(0)));
