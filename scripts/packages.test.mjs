// `npm run test:packages`: the packages as a user gets them. `npm pack` the protocol, SDK, widget
// and server, install the tarballs into an empty project, and use them there the way README.md says:
// `npx roomchat-server`, the SDK quick start, `import '@roomchat/widget'` in a bundler and a
// browser. publint and "are the types wrong" check each package's manifest and types.
// Run after `npm run build` (the npm script does both). The install takes 1-2 minutes: it builds
// better-sqlite3 from source, as a user's install does.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = ['protocol', 'sdk', 'widget', 'server'];
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const run = promisify(execFile);

let work;
let app;
let tarballs;
let server;
let serverUrl;

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'roomchat-packages-'));
  app = path.join(work, 'app');
  await run('npm', ['pack', '--silent', '--pack-destination', work, ...PACKAGES.flatMap((p) => ['-w', `@roomchat/${p}`])], { cwd: ROOT });
  tarballs = (await readdir(work)).filter((f) => f.endsWith('.tgz')).map((f) => path.join(work, f));
  assert.equal(tarballs.length, PACKAGES.length, `a tarball per package: ${tarballs.join(', ')}`);
  await run('mkdir', [app]);
  // A user's project; npm 11 runs better-sqlite3's build only when the project allows it.
  await writeFile(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module', allowScripts: { 'better-sqlite3': true } }, null, 2));
  const started = Date.now();
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...tarballs], {
    cwd: app,
    // No prebuilt binary download (none is reachable here): build better-sqlite3 at once.
    env: { ...process.env, npm_config_build_from_source: 'true' },
    maxBuffer: 16 * 1024 * 1024,
  });
  console.log(`# installed the tarballs into an empty project in ${((Date.now() - started) / 1000).toFixed(0)} s`);
});

after(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (work) await rm(work, { recursive: true, force: true });
});

test('each tarball holds what it needs and no tests or test helpers', async () => {
  for (const tarball of tarballs) {
    const { stdout } = await run('tar', ['-tzf', tarball]);
    const files = stdout.split('\n').filter(Boolean);
    assert.deepEqual(files.filter((f) => /\.test\.|testing\.|tsbuildinfo/.test(f)), [], `${path.basename(tarball)}: no tests, test helpers or build info`);
    for (const f of ['package/package.json', 'package/README.md', 'package/LICENSE', 'package/CHANGELOG.md']) assert.ok(files.includes(f), `${path.basename(tarball)} has ${f}`);
  }
  const widget = (await run('tar', ['-tzf', tarballs.find((t) => t.includes('widget'))])).stdout;
  assert.match(widget, /package\/custom-elements\.json/);
  assert.match(widget, /package\/dist\/widget\.js/);
});

test('the protocol has no dependencies, and the server runs without the SDK or socket.io-client', async () => {
  const dir = (p) => path.join(app, 'node_modules/@roomchat', p);
  const manifest = (p) => JSON.parse(readFileSync(path.join(dir(p), 'package.json'), 'utf8'));
  assert.deepEqual(Object.keys(manifest('protocol').dependencies ?? {}), [], '@roomchat/protocol has no dependencies');
  const server = manifest('server');
  for (const dep of ['@roomchat/sdk', 'socket.io-client']) assert.ok(!(dep in (server.dependencies ?? {})), `the server does not depend on ${dep}`);
  const modules = (await readdir(path.join(dir('server'), 'dist'), { recursive: true })).filter((f) => f.endsWith('.js'));
  for (const f of modules) {
    assert.doesNotMatch(readFileSync(path.join(dir('server'), 'dist', f), 'utf8'), /from ['"](@roomchat\/sdk|socket\.io-client)/, `${f} imports neither`);
  }
});

test('publint and "are the types wrong" find nothing', async () => {
  for (const p of PACKAGES) await run(path.join(ROOT, 'node_modules/.bin/publint'), ['--strict', path.join(ROOT, 'packages', p)]);
  // ESM-only packages: CommonJS `require` and node10 resolution are out of scope by design.
  for (const tarball of tarballs) await run(path.join(ROOT, 'node_modules/.bin/attw'), ['--profile', 'esm-only', '--format', 'ascii', tarball]);
});

test('the widget ships a Custom Elements Manifest that describes <chat-room>', () => {
  const dir = path.join(app, 'node_modules/@roomchat/widget');
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(path.join(dir, pkg.customElements), 'utf8'));
  const element = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'chat-room');
  assert.ok(element, 'chat-room is declared');
  for (const attr of ['server', 'room', 'name', 'mode']) assert.ok(element.attributes.some((a) => a.name === attr), `attribute ${attr}`);
  for (const event of ['chat-message', 'chat-join', 'chat-leave', 'chat-ready']) assert.ok(element.events.some((e) => e.name === event), `event ${event}`);
  assert.ok(element.cssParts.some((p) => p.name === 'composer'));
  assert.ok(element.cssProperties.some((p) => p.name === '--chat-accent'));
  for (const mod of manifest.modules) assert.ok(existsSync(path.join(dir, mod.path)), `${mod.path} is in the package`);
});

test('npx roomchat-server --help, then it starts and serves the demo page and /widget.js', async () => {
  const help = await run('npx', ['--no-install', 'roomchat-server', '--help'], { cwd: app });
  assert.match(help.stdout, /^Usage: roomchat-server/);
  // The bin npx ran, started directly so that SIGTERM reaches the server itself.
  const bin = path.join(app, 'node_modules/.bin/roomchat-server');
  server = spawn(bin, ['--port', '0', '--host', '127.0.0.1', '--data-dir', './data'], { cwd: app, stdio: ['ignore', 'pipe', 'inherit'] });
  serverUrl = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.setEncoding('utf8').on('data', (s) => {
      out += s;
      const url = /"url":"(http:[^"]+)"/.exec(out)?.[1];
      if (url) resolve(url);
    });
    server.on('exit', (code) => reject(new Error(`roomchat-server exited with ${code}: ${out}`)));
  });
  assert.deepEqual(await (await fetch(`${serverUrl}/healthz`)).json(), { status: 'ok', database: 'ok' });
  const widget = await fetch(`${serverUrl}/widget.js`);
  assert.equal(widget.status, 200, 'the server finds the widget bundle in the installed @roomchat/widget');
  assert.match(await (await fetch(`${serverUrl}/`)).text(), /<chat-room>/);
});

test("README's SDK quick start runs in the project: alice.mjs and bob.mjs chat and exit", async () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = (attr) => new RegExp('^```\\w+ ' + attr + '\\n([\\s\\S]*?)^```$', 'm').exec(readme)?.[1];
  for (const name of ['alice.mjs', 'bob.mjs']) {
    const code = block(`file=${name}`);
    assert.ok(code, `README.md has ${name}`);
    await writeFile(path.join(app, name), code.replaceAll('http://localhost:3000', serverUrl));
  }
  const alice = spawn(process.execPath, ['alice.mjs'], { cwd: app, stdio: ['ignore', 'pipe', 'inherit'] });
  let aliceOut = '';
  alice.stdout.setEncoding('utf8').on('data', (s) => (aliceOut += s));
  const aliceDone = new Promise((resolve) => alice.on('exit', resolve));
  for (let i = 0; i < 200 && !aliceOut.includes('\n'); i++) await new Promise((r) => setTimeout(r, 50));
  const code = /Room (\w+):/.exec(aliceOut)?.[1];
  assert.ok(code, `alice.mjs printed a room code: ${aliceOut}`);
  const bob = await run(process.execPath, ['bob.mjs', code], { cwd: app, timeout: 20_000 });
  assert.equal(await aliceDone, 0);
  assert.equal(bob.stdout.trimEnd(), block('output=bob.mjs').trimEnd());
  assert.match(aliceOut, /Bob: Hi Alice\nBob left\n$/);
});

test("import '@roomchat/widget' type-checks, bundles, and registers <chat-room> in a browser", async (t) => {
  await writeFile(
    path.join(app, 'main.ts'),
    [
      "import '@roomchat/widget';",
      "import type { ChatRoomElement } from '@roomchat/widget/element';",
      "import { ChatClient, ErrorCode } from '@roomchat/sdk';",
      "const chat: ChatRoomElement = document.createElement('chat-room');",
      'chat.server = SERVER;',
      "chat.addEventListener('chat-message', (e) => console.log(e.detail.message.text));",
      'document.body.append(chat);',
      'void ChatClient, ErrorCode;',
      'declare const SERVER: string;',
      '',
    ].join('\n'),
  );
  await writeFile(
    path.join(app, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'ESNext', moduleResolution: 'bundler', target: 'ES2022', lib: ['ES2022', 'DOM'], types: [] }, files: ['main.ts'] }),
  );
  await run(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', app]);

  // Bundle the same import with rollup, as examples/bundler-app does, resolving from the project.
  await writeFile(path.join(app, 'main.js'), "import '@roomchat/widget';\ndocument.querySelector('chat-room').server = window.SERVER;\n");
  const { rollup } = await import('rollup');
  const { nodeResolve } = await import('@rollup/plugin-node-resolve');
  const bundle = await rollup({ input: path.join(app, 'main.js'), plugins: [nodeResolve({ browser: true, rootDir: app })] });
  const { output } = await bundle.generate({ format: 'es' });
  await bundle.close();
  if (!existsSync(CHROMIUM)) return t.skip(`no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);

  const page = createServer((req, res) => {
    if (req.url === '/app.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(output[0].code);
    else res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><script>window.SERVER = ${JSON.stringify(serverUrl)}</script><chat-room></chat-room><script type="module" src="/app.js"></script>`);
  });
  await new Promise((resolve) => page.listen(0, '127.0.0.1', resolve));
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const tab = await browser.newPage();
    await tab.goto(`http://localhost:${page.address().port}/`);
    await tab.locator('chat-room').getByRole('button', { name: /create/i }).waitFor({ timeout: 10_000 });
  } finally {
    await browser.close();
    page.close();
  }
});
