// `npm test -w @roomchat/widget`: builds what the tests load (the SDK and server through `tsc -b`,
// then the widget and its bundle), runs the browser component tests (@web/test-runner) and the
// end-to-end test (node:test + playwright-core), prints a summary, and exits non-zero on failure.
//
//   --no-build         skip the build: the root `npm test` has just built all of it
//   --summary=FILE     also write the counts as JSON to FILE (the root runner reads them)
//
// Counts come from machine-readable output: web-test-runner.config.js writes JSON to
// WTR_RESULTS_FILE, and node:test's events come from scripts/test-events.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumLaunchOptions } from './chat-server.mjs';

const cwd = fileURLToPath(new URL('..', import.meta.url));
const root = path.resolve(cwd, '../..');
const args = process.argv.slice(2);
const build = !args.includes('--no-build');
const summaryFile = args.find((a) => a.startsWith('--summary='))?.slice('--summary='.length);
/** Per test, as in scripts/test.mjs (the root runner passes its own). */
const testTimeoutMs = process.env.ROOMCHAT_TEST_TIMEOUT_MS ?? '60000';

const work = mkdtempSync(path.join(tmpdir(), 'roomchat-widget-run-'));
const wtrResults = path.join(work, 'wtr.json');
const e2eEvents = path.join(work, 'e2e-events.jsonl');

const readJson = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined);

/** Counts node:test events (scripts/test-events.mjs): tests only; a suite or file failing by itself counts once. */
function countNodeEvents(file) {
  const counts = { passed: 0, failed: 0, skipped: 0, failures: [] };
  if (!existsSync(file)) return counts;
  for (const e of readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))) {
    const container = e.suite || (e.nesting === 0 && e.name === e.file);
    if (container && !(e.status === 'fail' && e.failureType !== 'subtestsFailed')) continue;
    if (!container && e.skip !== undefined) counts.skipped++;
    else if (!container && e.status === 'pass') counts.passed++;
    else if (e.status === 'fail') {
      counts.failed++;
      counts.failures.push(`${e.name}: ${e.failureType ?? 'failed'}: ${e.error ?? ''}`);
    }
  }
  return counts;
}

// Each step: name, command, arguments, and how to read its counts once it ran.
const steps = [
  ...(build
    ? [
        ['build', 'npx', ['tsc', '-b', '../sdk', '../server', '.']],
        ['bundle', 'npx', ['rollup', '-c', '--silent']],
      ]
    : []),
  ['component tests (web-test-runner, Chromium)', 'npx', ['wtr', '--static-logging'], () => readJson(wtrResults)],
  [
    'end-to-end tests (playwright-core, two and three pages; the admin page)',
    process.execPath,
    [
      '--import',
      path.join(root, 'scripts/test-timeouts.mjs'),
      '--test',
      '--test-force-exit',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      `--test-reporter=${path.join(root, 'scripts/test-events.mjs')}`,
      `--test-reporter-destination=${e2eEvents}`,
      'test/e2e.test.mjs',
      'test/conversation.e2e.test.mjs',
      'test/loader.e2e.test.mjs',
      'test/stay.e2e.test.mjs',
      'test/direct.e2e.test.mjs',
      'test/attention.e2e.test.mjs',
      'test/share.e2e.test.mjs',
      'test/admin.e2e.test.mjs',
      'test/moderation.e2e.test.mjs',
    ],
    () => countNodeEvents(e2eEvents),
  ],
];

if (!existsSync(chromiumLaunchOptions.executablePath)) {
  console.error(`Chromium is missing at ${chromiumLaunchOptions.executablePath}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  process.exit(1);
}

const results = [];
const total = { passed: 0, failed: 0, skipped: 0, failures: [] };
for (const [name, command, stepArgs, count] of steps) {
  console.log(`\n── ${name} ──`);
  const started = Date.now();
  const run = spawnSync(command, stepArgs, {
    cwd,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', WTR_RESULTS_FILE: wtrResults, ROOMCHAT_TEST_TIMEOUT_MS: testTimeoutMs },
  });
  const counts = count?.();
  // A step that is meant to report counts and wrote none did not run its tests as it should.
  const ok = run.status === 0 && !(count && !counts);
  if (counts) {
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
    total.failures.push(...counts.failures);
  }
  if (!ok && !counts?.failed) {
    total.failed++;
    total.failures.push(`${name}: exited with ${run.status ?? run.signal}${count && !counts ? ' and reported no results' : ''}`);
  }
  const shown = counts ? `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped, ` : '';
  results.push({ name, ok, seconds: ((Date.now() - started) / 1000).toFixed(1), counts: shown });
  if (!ok) break;
}
rmSync(work, { recursive: true, force: true });

console.log('\n── @roomchat/widget tests ──');
for (const { name, ok, seconds, counts } of results) console.log(`${ok ? 'ok  ' : 'FAIL'}  ${name} (${counts}${seconds} s)`);
for (const [name] of steps.slice(results.length)) console.log(`skip  ${name} (an earlier step failed)`);
if (summaryFile) writeFileSync(summaryFile, JSON.stringify(total));
console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 || results.some((r) => !r.ok) ? 1 : 0);
