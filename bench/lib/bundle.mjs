// Bundle sizes: the widget's script-tag build as shipped (the loader /widget.js, the rest it
// imports, a language chunk, what a page with a launcher downloads before the first open), and
// the SDK bundled for browsers (its socket.io-client included) the way an app's bundler would,
// minified with terser and gzipped.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { rollup } from 'rollup';
import { minify } from 'terser';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const gz = (code) => gzipSync(code, { level: 9 }).length;

async function bundleEntry(source) {
  // The entry lives inside bench/ so that node resolution finds the workspace packages.
  const dir = mkdtempSync(path.join(ROOT, 'bench', '.bundle-'));
  try {
    const entry = path.join(dir, 'entry.mjs');
    writeFileSync(entry, source);
    const build = await rollup({
      input: entry,
      plugins: [nodeResolve({ browser: true, exportConditions: ['browser', 'module', 'import', 'default'] }), terser({ format: { comments: false } })],
      onwarn: () => {},
    });
    const { output } = await build.generate({ format: 'es' });
    await build.close();
    const code = output.map((chunk) => chunk.code ?? '').join('');
    return { min: Buffer.byteLength(code), gzip: gz(code) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A shipped file as it is, and re-minified by terser (a check that the build minified it). */
async function shipped(file) {
  const code = readFileSync(file, 'utf8');
  const min = (await minify(code, { module: true, format: { comments: false } })).code ?? code;
  return { min: Buffer.byteLength(min), gzip: gz(min), shippedMin: Buffer.byteLength(code), shippedGzip: gz(code) };
}
const asShipped = (size) => `as shipped: ${(size.shippedMin / 1024).toFixed(1)} KB, ${(size.shippedGzip / 1024).toFixed(1)} KB gz`;

export async function bundleSizes() {
  const rows = [];
  const dist = path.join(ROOT, 'packages/widget/dist');
  const loaderFile = path.join(dist, 'widget.js');
  const restDir = path.join(dist, 'widget');
  const restName = existsSync(restDir) ? readdirSync(restDir).find((f) => /^chat-room\.[\w-]+\.js$/.test(f)) : undefined;
  if (existsSync(loaderFile) && restName) {
    const loader = await shipped(loaderFile);
    const rest = await shipped(path.join(restDir, restName));
    const arName = readdirSync(restDir).find((f) => /^ar\.[\w-]+\.js$/.test(f));
    const ar = arName ? await shipped(path.join(restDir, arName)) : undefined;
    rows.push({ name: 'widget.js: the loader (script tag)', ...loader, target: '≤ 6', note: `${asShipped(loader)}; draws the launcher or the inline box` });
    rows.push({ name: 'widget/chat-room.[hash].js: the rest', ...rest, target: '-', note: `${asShipped(rest)}; lit, SDK, socket.io-client, English` });
    if (ar) rows.push({ name: 'one more language (ar)', ...ar, target: '-', note: 'loaded only for that language' });
    rows.push({ name: 'launcher page, first load', min: loader.min, gzip: loader.gzip, target: '-', note: 'the loader alone until the first open' });
    rows.push({ name: 'loader + rest (inline, or once opened)', min: loader.min + rest.min, gzip: loader.gzip + rest.gzip, target: '≤ 45.2', note: 'before the loader: one 45.2 KB gz bundle (French inside)' });
  } else {
    rows.push({ name: 'widget.js (script tag)', target: '≤ 6', note: 'not built (npm run build -w @roomchat/widget)' });
  }
  const sdk = path.join(ROOT, 'packages/sdk/dist/index.js');
  if (existsSync(sdk)) {
    rows.push({ name: '@roomchat/sdk, everything (ESM, browser)', ...(await bundleEntry(`export * from ${JSON.stringify(sdk)};\n`)), target: '< 18', note: 'socket.io-client included' });
  } else {
    rows.push({ name: '@roomchat/sdk', target: '< 18', note: 'not built (npx tsc -b packages/sdk)' });
  }
  rows.push({ name: 'socket.io-client alone (io)', ...(await bundleEntry(`export { io } from 'socket.io-client';\n`)), target: '-', note: 'reference' });
  return rows;
}
