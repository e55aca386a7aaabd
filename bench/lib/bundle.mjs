// Bundle sizes: the widget's script-tag build as shipped, and the SDK bundled for browsers (its
// socket.io-client included) the way an app's bundler would, minified with terser and gzipped.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

export async function bundleSizes() {
  const rows = [];
  const widget = path.join(ROOT, 'packages/widget/dist/widget.js');
  if (existsSync(widget)) {
    const code = readFileSync(widget, 'utf8');
    const min = (await minify(code, { module: true, format: { comments: false } })).code ?? code;
    rows.push({ name: 'widget.js (script tag)', min: Buffer.byteLength(min), gzip: gz(min), target: '< 30', note: `as shipped: ${(Buffer.byteLength(code) / 1024).toFixed(1)} KB, ${(gz(code) / 1024).toFixed(1)} KB gz` });
  } else {
    rows.push({ name: 'widget.js (script tag)', target: '< 30', note: 'not built (npm run build -w @roomchat/widget)' });
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
