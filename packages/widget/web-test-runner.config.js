// Component tests: dist/**/*.test.js (compiled from src by `tsc -b`) in Debian's Chromium,
// against a real Roomchat server started here and stopped when the run ends.
import { writeFileSync } from 'node:fs';
import { defaultReporter } from '@web/test-runner';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { chromiumLaunchOptions, startChatServer } from './test/chat-server.mjs';

const chat = await startChatServer();

/**
 * Writes the run's counts as JSON to WTR_RESULTS_FILE (test/run.mjs reads them): tests passed,
 * failed and skipped in every session, and a failure for a session that errored outside a test.
 */
function jsonResults(file) {
  return {
    onTestRunFinished({ sessions }) {
      const counts = { passed: 0, failed: 0, skipped: 0, failures: [] };
      const walk = (suite, path) => {
        for (const t of suite.tests) {
          const name = [...path, t.name].join(' > ');
          if (t.skipped) counts.skipped++;
          else if (t.passed) counts.passed++;
          else {
            counts.failed++;
            counts.failures.push(`${name}: ${t.error?.message ?? 'failed'}`);
          }
        }
        for (const s of suite.suites) walk(s, [...path, s.name]);
      };
      for (const session of sessions) {
        if (session.testResults) walk(session.testResults, [session.testFile.split('/').pop()]);
        for (const error of session.errors ?? []) {
          counts.failed++;
          counts.failures.push(`${session.testFile}: ${error.message}`);
        }
      }
      writeFileSync(file, JSON.stringify(counts));
    },
  };
}

export default {
  rootDir: '../..',
  files: ['dist/**/*.test.js'],
  // Not wtr's default 'development' condition: that selects socket.io's debug builds (CommonJS
  // 'debug' inside) and lit's dev mode; test what ships.
  nodeResolve: { browser: true, exportConditions: ['production'] },
  concurrency: 1,
  reporters: [defaultReporter(), ...(process.env.WTR_RESULTS_FILE ? [jsonResults(process.env.WTR_RESULTS_FILE)] : [])],
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
