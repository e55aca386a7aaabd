// Component tests: dist/**/*.test.js (compiled from src by `tsc -b`) in Debian's Chromium,
// against a real Roomchat server started here and stopped when the run ends.
import { playwrightLauncher } from '@web/test-runner-playwright';
import { chromiumLaunchOptions, startChatServer } from './test/chat-server.mjs';

const chat = await startChatServer();

export default {
  rootDir: '../..',
  files: ['dist/**/*.test.js'],
  // Not wtr's default 'development' condition: that selects socket.io's debug builds (CommonJS
  // 'debug' inside) and lit's dev mode; test what ships.
  nodeResolve: { browser: true, exportConditions: ['production'] },
  concurrency: 1,
  browsers: [playwrightLauncher({ product: 'chromium', launchOptions: chromiumLaunchOptions })],
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 150_000,
  // The server URL reaches the tests as a global; axe-core is its UMD build, loaded by script tag.
  testRunnerHtml: (testFramework) => `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><script>window.ROOMCHAT_TEST_SERVER = ${JSON.stringify(chat.url)};</script>
  <script src="/node_modules/axe-core/axe.min.js"></script></head>
  <body><script type="module" src="${testFramework}"></script></body>
</html>`,
  plugins: [
    {
      name: 'roomchat-server',
      async serverStop() {
        await chat.close();
      },
    },
  ],
};
