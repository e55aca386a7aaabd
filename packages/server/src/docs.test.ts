/**
 * The documentation's runnable code, run: README.md and docs/ cannot claim what the code no longer
 * does. A fenced block claims to run when its info string says so:
 *
 *   ```js file=alice.mjs      a program, saved under that name in an empty folder where the
 *                             packages resolve, and run with `node alice.mjs`
 *   ```text output=alice.mjs  what that program prints (stdout, exactly)
 *   ```sh run                 shell commands; the `# ...` lines after a command are its output
 *   ```html embed             a snippet pasted into a page of another origin, loaded in Chromium
 *
 * Each runs against a test server; `http://localhost:3000` in the docs means that server, and
 * addresses and room codes in what a program prints are compared as the docs show them. Every
 * marked block must be run by a test here, and every `// name.mjs` program must be marked.
 * Also checked: every relative link and #anchor resolves, and every setting is in the settings
 * table of docs/operating.md with its default.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ErrorCode } from '@roomchat/protocol';
import { DEFAULT_CONFIG, envName } from './config.js';
import { createStorage, startServer, type RunningServer, type TestStorage } from './testing.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const DOC_URL = 'http://localhost:3000';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface Block {
  doc: string;
  line: number;
  lang: string;
  attrs: Record<string, string | true>;
  code: string;
}

/** README.md and every Markdown file under docs/, relative to the repository root. */
function docFiles(): string[] {
  const docs = readdirSync(path.join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join('docs', f));
  return ['README.md', ...docs.sort()];
}

/** The fenced blocks of a Markdown file (fences at the start of a line). */
function blocksOf(doc: string): Block[] {
  const text = readFileSync(path.join(ROOT, doc), 'utf8');
  const blocks: Block[] = [];
  for (const m of text.matchAll(/^```(\w*)([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm)) {
    const attrs: Record<string, string | true> = {};
    for (const [, key, value] of (m[2] ?? '').matchAll(/([\w-]+)(?:=(\S+))?/g)) attrs[key!] = value ?? true;
    blocks.push({ doc, line: text.slice(0, m.index).split('\n').length, lang: m[1] ?? '', attrs, code: m[3] ?? '' });
  }
  return blocks;
}

const ALL_BLOCKS = docFiles().flatMap(blocksOf);
const ran = new Set<Block>();
const where = (b: Block) => `${b.doc}:${b.line}`;

function program(doc: string, name: string): Block {
  const block = ALL_BLOCKS.find((b) => b.doc === doc && b.attrs.file === name);
  assert.ok(block, `${doc} has a block marked file=${name}`);
  ran.add(block);
  return block;
}

function expectedOutput(doc: string, name: string): string {
  const block = ALL_BLOCKS.find((b) => b.doc === doc && b.attrs.output === name);
  assert.ok(block, `${doc} shows what ${name} prints (a block marked output=${name})`);
  ran.add(block);
  return block.code.trimEnd();
}

/** What a program printed, with addresses as the docs write them. */
function asDocumented(stdout: string): string {
  return stdout.replace(/http:\/\/(?:localhost|127\.0\.0\.1|\[::1?\]):\d+/g, DOC_URL).trimEnd();
}

let storage: TestStorage;
let running: RunningServer;
let work: string;
before(async () => {
  storage = await createStorage('sqlite');
  running = await startServer(storage.options);
  // An empty folder whose imports resolve to this repository's packages, as after `npm install`.
  work = await mkdtemp(path.join(tmpdir(), 'roomchat-docs-'));
  await symlink(path.join(ROOT, 'node_modules'), path.join(work, 'node_modules'), 'dir');
});
after(async () => {
  await running.server.close();
  await storage.dispose();
  await rm(work, { recursive: true, force: true });
});

/** Saves a documented program, pointed at the test server, and starts it. */
async function start(block: Block, args: string[] = []) {
  const name = String(block.attrs.file);
  const source = block.code.replaceAll(DOC_URL, running.url).replace(/\bport: 3000\b/g, 'port: 0');
  await writeFile(path.join(work, name), source);
  const child = spawn(process.execPath, [name, ...args], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  exited.finally(() => clearTimeout(timer));
  return {
    get stdout() {
      return stdout;
    },
    async firstLine(): Promise<string> {
      for (let i = 0; i < 200 && !stdout.includes('\n'); i++) await new Promise((r) => setTimeout(r, 50));
      return stdout.split('\n')[0] ?? '';
    },
    async done(): Promise<string> {
      const code = await exited;
      assert.equal(code, 0, `${where(block)}: node ${name} exits by itself, with 0 (stderr: ${stderr})`);
      return stdout;
    },
  };
}

test('README: alice.mjs and bob.mjs chat, print what the README shows, and exit', async () => {
  const alice = await start(program('README.md', 'alice.mjs'));
  const first = await alice.firstLine();
  const code = /Room (\w+):/.exec(first)?.[1];
  assert.ok(code, `alice.mjs prints the room code first (got "${first}")`);
  const bob = await start(program('README.md', 'bob.mjs'), [code]);
  const [bobOut, aliceOut] = await Promise.all([bob.done(), alice.done()]);
  const documented = expectedOutput('README.md', 'alice.mjs');
  const documentedCode = /Room (\w+):/.exec(documented)?.[1] ?? 'K7QWM3XP';
  assert.equal(asDocumented(aliceOut).replaceAll(code, documentedCode), documented);
  assert.equal(asDocumented(bobOut), expectedOutput('README.md', 'bob.mjs'));
});

test('docs/operating.md: the embedded server starts, prints its address, and closes', async () => {
  const server = await start(program('docs/operating.md', 'my-server.mjs'));
  assert.equal(asDocumented(await server.done()), expectedOutput('docs/operating.md', 'my-server.mjs'));
});

test('every `sh run` block prints what the docs say', async () => {
  const blocks = ALL_BLOCKS.filter((b) => b.attrs.run);
  assert.ok(blocks.length > 0);
  for (const block of blocks) {
    ran.add(block);
    const steps: { command: string; output: string[] }[] = [];
    for (const line of block.code.split('\n')) {
      if (line.startsWith('# ')) steps.at(-1)?.output.push(line.slice(2));
      else if (line.trim()) steps.push({ command: line, output: [] });
    }
    for (const { command, output } of steps) {
      // Asynchronously: the server answering it runs in this process.
      const result = await promisify(execFile)('bash', ['-c', command.replaceAll(DOC_URL, running.url)], { cwd: work, timeout: 20_000 });
      assert.equal(asDocumented(result.stdout), output.join('\n'), `${where(block)}: \`${command}\` prints what is shown`);
    }
  }
});

test('the embed snippets, pasted into a page of another origin, show the chat', async (t) => {
  const blocks = ALL_BLOCKS.filter((b) => b.lang === 'html' && b.attrs.embed);
  assert.ok(blocks.length > 0);
  if (!existsSync(CHROMIUM)) {
    t.skip(`no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);
    for (const b of blocks) ran.add(b);
    return;
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    for (const block of blocks) {
      ran.add(block);
      const snippet = block.code.replace(/https:\/\/chat\.example\.com/g, running.url);
      const page = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html lang="en"><body>${snippet}</body></html>`);
      });
      await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
      try {
        const tab = await browser.newPage();
        // Another origin than the chat server's: localhost, not 127.0.0.1.
        const { port } = page.address() as { port: number };
        await tab.goto(`http://localhost:${port}/`);
        const button = tab.locator('chat-room').getByRole('button', { name: /create/i });
        await button.waitFor({ timeout: 10_000 });
        await tab.close();
      } finally {
        await new Promise((resolve) => page.close(resolve));
      }
    }
  } finally {
    await browser.close();
  }
});

test('every relative link and #anchor in README.md and docs/ resolves', () => {
  const slugs = new Map<string, Set<string>>();
  const anchorsOf = (file: string): Set<string> => {
    if (!slugs.has(file)) {
      const text = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
      const set = new Set<string>();
      for (const [, heading] of text.matchAll(/^#{1,6} (.+)$/gm)) {
        // GitHub's heading ids: lower case, punctuation dropped, spaces to dashes.
        set.add(heading!.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-'));
      }
      slugs.set(file, set);
    }
    return slugs.get(file)!;
  };
  const broken: string[] = [];
  for (const doc of docFiles()) {
    const text = readFileSync(path.join(ROOT, doc), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target!)) continue;
      const [file, anchor] = target!.split('#') as [string, string | undefined];
      const resolved = file ? path.join(ROOT, path.dirname(doc), file) : path.join(ROOT, doc);
      if (!existsSync(resolved)) broken.push(`${doc}: ${target} (no such file)`);
      else if (anchor && !anchorsOf(resolved).has(anchor)) broken.push(`${doc}: ${target} (no such heading)`);
    }
  }
  assert.deepEqual(broken, []);
});

test('docs/operating.md lists every setting of DEFAULT_CONFIG with its variable and default', () => {
  const text = readFileSync(path.join(ROOT, 'docs/operating.md'), 'utf8');
  const missing: string[] = [];
  for (const [key, value] of Object.entries(DEFAULT_CONFIG)) {
    const row = new RegExp(`^\\| \`${key}\` \\| (.*?) \\| (.*?) \\| (.+) \\|$`, 'm').exec(text);
    if (!row) {
      missing.push(`${key}: no row`);
      continue;
    }
    const [, variable, shown] = row as unknown as [string, string, string];
    // The CLI reads these four from shorter names (DATA_DIR...); every other one from ROOMCHAT_*.
    const cliNamed = ['dataDir', 'databaseUrl', 'redisUrl', 'logLevel'];
    if (!cliNamed.includes(key) && !variable.includes(`\`${envName(key)}\``)) missing.push(`${key}: variable should be ${envName(key)}`);
    const expected = value === undefined ? 'unset' : `\`${Array.isArray(value) ? value.join(',') : String(value)}\``;
    if (shown !== expected) missing.push(`${key}: default shown as ${shown}, is ${expected}`);
  }
  assert.deepEqual(missing, []);
});

test('docs/api.md lists every error code', () => {
  const text = readFileSync(path.join(ROOT, 'docs/api.md'), 'utf8');
  const section = text.slice(text.indexOf('## Error codes'), text.indexOf('\n## ', text.indexOf('## Error codes') + 1));
  const missing = Object.values(ErrorCode).filter((code) => !section.includes(`\`${code}\``));
  assert.deepEqual(missing, [], 'codes the SDK can report that the error table does not explain');
});

test('every block that claims to run was run, and every program is marked', () => {
  const unmarked = ALL_BLOCKS.filter((b) => b.lang === 'js' && /^\/\/ [\w.-]+\.m?js\b/.test(b.code) && !b.attrs.file).map(where);
  assert.deepEqual(unmarked, [], 'a block that starts `// name.mjs` is a program: mark it file=name.mjs and run it here');
  const notRun = ALL_BLOCKS.filter((b) => (b.attrs.file || b.attrs.output || b.attrs.run || b.attrs.embed) && !ran.has(b)).map(where);
  assert.deepEqual(notRun, [], 'blocks marked to run that no test here runs');
});
