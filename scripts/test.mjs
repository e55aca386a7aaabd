#!/usr/bin/env node
// `npm test`: the Node suites (SDK + server against real SQLite, and PostgreSQL when
// TEST_DATABASE_URL is set), then the widget's browser tests in Debian's Chromium.
// Run after `npm run build` (the npm script does both).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const CHROMIUM = '/usr/bin/chromium';

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.js'))
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
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

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', ...options });
  process.stdout.write(result.stdout ?? '');
  return result;
}

const files = ['packages/sdk/dist', 'packages/server/dist'].flatMap((d) => testFiles(path.join(root, d)));
if (files.length === 0) {
  console.error('No compiled tests found: run `npm run build` first (`npm test` does).');
  process.exit(1);
}
if (process.env.TEST_DATABASE_URL) console.log(`Storage tests run on SQLite and on PostgreSQL (${process.env.TEST_DATABASE_URL}).`);
else console.log('Storage tests run on SQLite; set TEST_DATABASE_URL=postgres://... to run them on PostgreSQL too.');

const node = run(process.execPath, ['--enable-source-maps', '--test', '--test-concurrency=4', '--test-reporter=spec', ...files], {
  maxBuffer: 64 * 1024 * 1024,
});
const count = (name) => Number(new RegExp(`^\\S+ ${name} (\\d+)$`, 'm').exec(node.stdout ?? '')?.[1] ?? 0);
let passed = count('pass');
let failed = count('fail') + count('cancelled');
if (node.status !== 0 && failed === 0) failed = 1;

const widget = JSON.parse(readFileSync(path.join(root, 'packages/widget/package.json'), 'utf8'));
if (widget.scripts?.test) {
  ensureChromium();
  const browser = run('npm', ['run', 'test', '--silent', '--workspace', '@roomchat/widget'], { maxBuffer: 64 * 1024 * 1024 });
  // The widget's runner prints its own closing "N passed, N failed" line; add it to ours.
  const summary = [...(browser.stdout ?? '').matchAll(/^(\d+) passed, (\d+) failed$/gm)].at(-1);
  passed += Number(summary?.[1] ?? 0);
  failed += Number(summary?.[2] ?? 0) + (browser.status !== 0 && !Number(summary?.[2]) ? 1 : 0);
}

console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
