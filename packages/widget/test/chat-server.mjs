// Starts a real Roomchat server for the widget's tests: port 0 on 127.0.0.1, a temporary data
// directory, no logs, and rate limits raised so tests that create many rooms are not throttled.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `port`: 0 (any free one) unless a test needs the server at an address it gave out before. */
export async function startChatServer(overrides = {}, { port = 0 } = {}) {
  let createChatServer;
  try {
    ({ createChatServer } = await import('@roomchat/server'));
  } catch (cause) {
    throw new Error('@roomchat/server is not built: run `npm run build` at the repository root first', { cause });
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'roomchat-widget-test-'));
  const server = createChatServer({
    dataDir,
    logLevel: 'silent',
    roomCreatesPerWindow: 10_000,
    joinFailuresPerWindow: 10_000,
    messagesPerWindow: 10_000,
    // Every page of the tests connects from 127.0.0.1.
    messagesPerAddressPerWindow: 10_000,
    joinsPerWindow: 10_000,
    joinsPerAddressPerWindow: 10_000,
    connectionsPerAddress: 10_000,
    uploadsPerWindow: 10_000,
    ...overrides,
  });
  const { url } = await server.listen({ port, host: '127.0.0.1' });
  return {
    url,
    server,
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Launch options for Debian's Chromium: browser downloads fail on this machine kind. */
export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};
