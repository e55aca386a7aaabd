#!/usr/bin/env node
// `npm test`: the Node suites (SDK + server against real SQLite; PostgreSQL and Redis when
// TEST_DATABASE_URL and TEST_REDIS_URL are set), then the widget's browser tests in Debian's
// Chromium. Run after `npm run build` (the npm script does both; the widget is not rebuilt).
//
// Humans read node's spec reporter on stdout; the counts come from a machine-readable stream of
// test events (scripts/test-events.mjs), never from the spec text. The closing line,
// `tests: N passed, N failed, N skipped`, is what CI reads. The run fails when a test fails, when
// fewer than MIN_TESTS tests were registered, or, with CI set, when a test was skipped because a
// service it needs was not configured.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';

/**
 * Longest a single test (or hook) may take before it fails as timed out. The slowest today, the
 * crash and cluster fault tests, take 5-11 s on two loaded cores; a test that needs longer sets
 * its own `{ timeout }` and says why. Applied by scripts/test-timeouts.mjs.
 */
export const TEST_TIMEOUT_MS = 60_000;
/** A whole test file, as a backstop for a hang outside any test (node's --test-timeout bounds files on Node 20). */
const FILE_TIMEOUT_MS = 10 * 60_000;
/**
 * The fewest tests (Node and browser, skipped ones included) a run must register: tests that are
 * silently never registered (a file not compiled, a loop over an empty list, a suite left out
 * when a service is missing) fail the run instead of passing unnoticed. Raise it as tests are
 * added (the suite's count is on the last line of a run); lower it only with a reason.
 */
const MIN_TESTS = 703;
/** A skip whose reason names one of these is a test that needs a service this run does not have. */
const SERVICE_SKIP = /\b(TEST_DATABASE_URL|TEST_REDIS_URL)\b/;

const inCi = Boolean(process.env.CI) && process.env.CI !== 'false';

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.js'))
    .map((e) => path.join(e.parentPath ?? e.path, e.name))
    .sort();
}

/** Installs Debian's chromium when missing and we may (root with apt), else says what to install. */
function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  const isRoot = process.getuid?.() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    console.log(`${CHROMIUM} is missing: installing Debian's chromium package (apt-get install chromium)...`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const install = update.status === 0 && spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
    if (install && install.status === 0 && existsSync(CHROMIUM)) return;
  }
  console.error(`The browser tests need Debian's Chromium at ${CHROMIUM}. Install it with:\n  sudo apt-get install chromium`);
  process.exit(1);
}

/** Reads the events file written by scripts/test-events.mjs. */
export function readEvents(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/**
 * Counts tests from node:test events: suites are not tests, but a suite or a file that fails by
 * itself (a hook failed, it timed out, it crashed before registering tests) counts as a failure.
 */
export function tally(events) {
  const counts = { passed: 0, failed: 0, skipped: 0, todo: 0, serviceSkips: [], failures: [] };
  for (const e of events) {
    if (e.suite || (e.status === 'fail' && e.nesting === 0 && e.name === e.file)) {
      if (e.status === 'fail' && e.failureType !== 'subtestsFailed') {
        counts.failed++;
        counts.failures.push(`${e.name}: ${e.failureType}: ${e.error ?? ''}`);
      }
      continue;
    }
    if (e.skip !== undefined) {
      counts.skipped++;
      if (typeof e.skip === 'string' && SERVICE_SKIP.test(e.skip)) counts.serviceSkips.push(`${e.name} (${e.skip})`);
    } else if (e.todo !== undefined) counts.todo++;
    else if (e.status === 'pass') counts.passed++;
    else {
      counts.failed++;
      counts.failures.push(`${e.name}: ${e.failureType ?? 'failed'}: ${e.error ?? ''}`);
    }
  }
  return counts;
}

function main() {
  // examples/host-backend, hook-receiver and webhook-receiver are plain JavaScript: their tests run as written, against a real server.
  const files = ['packages/sdk/dist', 'packages/server/dist', 'examples/host-backend', 'examples/hook-receiver', 'examples/webhook-receiver'].flatMap((d) => testFiles(path.join(root, d)));
  if (files.length === 0) {
    console.error('No compiled tests found: run `npm run build` first (`npm test` does).');
    process.exit(1);
  }
  // Before the Node suites too: docs.test.ts opens the embed snippets in it, and would skip them.
  ensureChromium();
  const services = [
    ['TEST_DATABASE_URL', 'storage tests on PostgreSQL'],
    ['TEST_REDIS_URL', 'the multi-node tests (with TEST_DATABASE_URL)'],
  ];
  for (const [name, what] of services) {
    console.log(process.env[name] ? `${name} is set: ${what} run.` : `${name} is not set: ${what} are skipped${inCi ? ', which fails a CI run' : ''}.`);
  }

  const work = mkdtempSync(path.join(tmpdir(), 'roomchat-test-run-'));
  const eventsFile = path.join(work, 'node-events.jsonl');
  const env = { ...process.env, ROOMCHAT_TEST_TIMEOUT_MS: String(TEST_TIMEOUT_MS) };
  const node = spawnSync(
    process.execPath,
    [
      '--enable-source-maps',
      '--import',
      path.join(root, 'scripts/test-timeouts.mjs'),
      '--test',
      '--test-concurrency=4',
      `--test-timeout=${FILE_TIMEOUT_MS}`,
      // A file whose tests are done but that leaves a handle open (a timer, a socket) ends anyway.
      '--test-force-exit',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      `--test-reporter=${path.join(root, 'scripts/test-events.mjs')}`,
      `--test-reporter-destination=${eventsFile}`,
      ...files,
    ],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env },
  );
  const counts = tally(readEvents(eventsFile));
  if (node.status !== 0 && counts.failed === 0) {
    counts.failed++;
    counts.failures.push(`node --test exited with ${node.status ?? node.signal} without a failing test`);
  }

  const widget = JSON.parse(readFileSync(path.join(root, 'packages/widget/package.json'), 'utf8'));
  if (widget.scripts?.test) {
    const summaryFile = path.join(work, 'widget-summary.json');
    // --no-build: `npm test` built the widget and its bundle a moment ago.
    const browser = spawnSync(process.execPath, ['test/run.mjs', '--no-build', `--summary=${summaryFile}`], {
      cwd: path.join(root, 'packages/widget'),
      stdio: ['ignore', 'inherit', 'inherit'],
      env,
    });
    const summary = existsSync(summaryFile) ? JSON.parse(readFileSync(summaryFile, 'utf8')) : undefined;
    counts.passed += summary?.passed ?? 0;
    counts.failed += summary?.failed ?? 0;
    counts.skipped += summary?.skipped ?? 0;
    counts.serviceSkips.push(...(summary?.serviceSkips ?? []));
    counts.failures.push(...(summary?.failures ?? []));
    if (browser.status !== 0 && !summary?.failed) {
      counts.failed++;
      counts.failures.push(`the widget's tests exited with ${browser.status ?? browser.signal} without a failing test`);
    }
  }
  rmSync(work, { recursive: true, force: true });

  const registered = counts.passed + counts.failed + counts.skipped + counts.todo;
  console.log('\n── summary ──');
  if (counts.failures.length) console.log(`Failed:\n${counts.failures.map((f) => `  - ${f}`).join('\n')}`);
  if (counts.serviceSkips.length) {
    console.log(`Skipped for a missing service${inCi ? ' (CI is set: this fails the run)' : ''}:\n${counts.serviceSkips.map((s) => `  - ${s}`).join('\n')}`);
  }
  if (counts.todo) console.log(`${counts.todo} todo`);
  let ok = counts.failed === 0;
  if (registered < MIN_TESTS) {
    console.log(`Only ${registered} tests were registered; at least ${MIN_TESTS} are expected (MIN_TESTS in scripts/test.mjs).`);
    ok = false;
  }
  if (inCi && counts.serviceSkips.length) ok = false;

  console.log(`\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  process.exit(ok ? 0 : 1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
