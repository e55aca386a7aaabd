import { nodeResolve } from '@rollup/plugin-node-resolve';

export default {
  input: 'src/app.js',
  output: { file: 'dist/app.js', format: 'es', sourcemap: true },
  // `browser: true` picks socket.io-client's browser build.
  plugins: [nodeResolve({ browser: true })],
};
