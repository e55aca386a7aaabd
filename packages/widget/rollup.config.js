// Builds what the server serves for script tags, from the compiled ESM (`tsc -b` → dist/):
// - dist/widget/chat-room.[hash].js: the element (lit, the SDK, socket.io-client, English), an ES
//   module, with each other language split off as its own chunk (fr.[hash].js, ar.[hash].js...);
// - dist/widget.js: the loader (src/loader.ts), a classic script of a few KB that registers
//   <chat-room>, draws the launcher or the inline box, and imports the first on demand.
// - dist/admin.js: the admin page's app (src/admin/), apart from both.
// Hashed names let the server cache the rest for a year; /widget.js itself stays short-lived.
import { rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { engineTransports } from './build/engine-transports.js';
import { minifyTemplates } from './build/minify-templates.js';

/** Prints the minified and gzipped size of each file written. */
function reportSize() {
  return {
    name: 'report-size',
    writeBundle(options, bundle) {
      for (const [file, chunk] of Object.entries(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const min = Buffer.byteLength(chunk.code);
        const gz = gzipSync(chunk.code, { level: 9 }).length;
        console.log(`${file}: ${(min / 1024).toFixed(1)} KB minified, ${(gz / 1024).toFixed(1)} KB gzipped`);
      }
    },
  };
}

const minify = () => terser({ format: { comments: false }, ecma: 2020, compress: { passes: 2 } });

/** The rest's entry file name, as the first build wrote it, for the loader to import. */
let restFile;

const rest = {
  input: { 'chat-room': 'dist/chat-room.js' },
  // The loader reads the module's ChatRoomElement export.
  preserveEntrySignatures: 'allow-extension',
  output: { dir: 'dist/widget', format: 'es', entryFileNames: '[name].[hash].js', chunkFileNames: '[name].[hash].js', sourcemap: true },
  plugins: [
    { name: 'clean', buildStart: () => rmSync('dist/widget', { recursive: true, force: true }) },
    // `browser: true` picks the browser builds of engine.io-client (no `ws`, no Node modules).
    nodeResolve({ browser: true }),
    // Only the transports the SDK uses (WebSocket, then long-polling): no WebTransport.
    engineTransports(),
    minifyTemplates({ include: (id) => id.includes('/packages/widget/dist/') }),
    minify(),
    {
      name: 'record-entry',
      generateBundle(_, bundle) {
        restFile = Object.values(bundle).find((chunk) => chunk.type === 'chunk' && chunk.isEntry).fileName;
      },
    },
    reportSize(),
  ],
};

const loader = {
  input: 'dist/loader.js',
  // No global name: the script's only effect is registering <chat-room>.
  output: { file: 'dist/widget.js', format: 'iife', sourcemap: true },
  plugins: [
    {
      name: 'rest-file',
      transform(code, id) {
        if (!id.endsWith('/dist/loader.js')) return null;
        if (!restFile) this.error('the rest was not built before the loader');
        return { code: code.replace('__ROOMCHAT_REST__', `widget/${restFile}`), map: null };
      },
    },
    minify(),
    reportSize(),
  ],
};

// The admin page's app (src/admin/, served at /admin.js; docs/admin.md): its own ES module, with its
// own copy of lit, so that nothing of it reaches the widget's files.
const admin = {
  input: 'dist/admin/admin-app.js',
  output: { file: 'dist/admin.js', format: 'es', sourcemap: true },
  plugins: [nodeResolve({ browser: true }), minifyTemplates({ include: (id) => id.includes('/packages/widget/dist/admin/') }), minify(), reportSize()],
};

export default [rest, loader, admin];
