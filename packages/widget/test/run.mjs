// `npm test -w @roomchat/widget`: builds what the tests load (the SDK and server through `tsc -b`,
// then the widget and its bundle), runs the browser component tests (@web/test-runner) and the
// end-to-end test (node:test + playwright-core), prints a summary, and exits non-zero on failure.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromiumLaunchOptions } from './chat-server.mjs';

const cwd = fileURLToPath(new URL('..', import.meta.url));
// Each step: name, command, and how to read "passed, failed" counts from its output.
const steps = [
  ['build', 'npx', ['tsc', '-b', '../sdk', '../server', '.']],
  ['bundle', 'npx', ['rollup', '-c', '--silent']],
  [
    'component tests (web-test-runner, Chromium)',
    'npx',
    ['wtr', '--static-logging'],
    (out) => [...out.matchAll(/(\d+) passed, (\d+) failed/g)].at(-1)?.slice(1).map(Number),
  ],
  [
    'end-to-end test (playwright-core, two pages)',
    'node',
    ['--test', '--test-reporter=spec', 'test/e2e.test.mjs'],
    (out) => {
      const n = (key) => Number(new RegExp(`^ℹ ${key} (\\d+)$`, 'm').exec(out)?.[1] ?? 0);
      return [n('pass'), n('fail') + n('cancelled')];
    },
  ],
];

if (!existsSync(chromiumLaunchOptions.executablePath)) {
  console.error(`Chromium is missing at ${chromiumLaunchOptions.executablePath}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  process.exit(1);
}

const results = [];
let passed = 0;
let failed = 0;
for (const [name, command, args, count] of steps) {
  console.log(`\n── ${name} ──`);
  const started = Date.now();
  const run = spawnSync(command, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  process.stdout.write(run.stdout ?? '');
  const ok = run.status === 0;
  const [p = 0, f = 0] = count?.(run.stdout ?? '') ?? [];
  passed += p;
  failed += f || (ok ? 0 : 1);
  results.push({ name, ok, seconds: ((Date.now() - started) / 1000).toFixed(1), counts: count ? `${p} passed, ${f} failed, ` : '' });
  if (!ok) break;
}

console.log('\n── @roomchat/widget tests ──');
for (const { name, ok, seconds, counts } of results) console.log(`${ok ? 'ok  ' : 'FAIL'}  ${name} (${counts}${seconds} s)`);
for (const [name] of steps.slice(results.length)) console.log(`skip  ${name} (an earlier step failed)`);
// The root runner (scripts/test.mjs) adds this line's counts to its own.
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 || results.some((r) => !r.ok) ? 1 : 0);
