// Bundles the compiled ESM (dist/define.js, from `tsc -b`) with lit, the SDK and socket.io-client
// into one minified IIFE, dist/widget.js: what the server serves at /widget.js for script tags.
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

export default {
  input: 'dist/define.js',
  output: {
    file: 'dist/widget.js',
    format: 'iife',
    // No global name: the bundle's only effect is registering <chat-room>.
    sourcemap: true,
  },
  plugins: [
    // `browser: true` picks the browser builds of engine.io-client (no `ws`, no Node modules).
    nodeResolve({ browser: true }),
    // Only the transports the SDK uses (WebSocket, then long-polling): no WebTransport.
    engineTransports(),
    minifyTemplates({ include: (id) => id.includes('/packages/widget/dist/') }),
    terser({ format: { comments: false }, ecma: 2020, compress: { passes: 2 } }),
    reportSize(),
  ],
};
