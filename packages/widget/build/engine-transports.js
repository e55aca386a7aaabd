// A rollup plugin that leaves engine.io-client's WebTransport transport out of the bundle.
//
// engine.io-client 6.6 maps transport names to classes in one module (transports/index.js) that
// its Socket always references, so every transport is bundled whatever the `transports` option
// asks for. The SDK asks for WebSocket first and HTTP long-polling as the fallback
// (packages/sdk/src/client.ts), never for WebTransport; this plugin gives that module the two
// transports the SDK uses, and the WebTransport class and the stream codecs only it needs
// (engine.io-parser's createPacketEncoderStream/DecoderStream) fall out of the bundle.
// The replacement imports the browser files, as the package's `browser` field would map them.

const TRANSPORTS_INDEX = /[/\\]engine\.io-client[/\\]build[/\\]esm[/\\]transports[/\\]index\.js$/;

export function engineTransports() {
  let replaced = false;
  return {
    name: 'engine-transports',
    load(id) {
      if (!TRANSPORTS_INDEX.test(id)) return null;
      replaced = true;
      return [
        `import { WS } from './websocket.js';`,
        `import { XHR } from './polling-xhr.js';`,
        `export const transports = { websocket: WS, polling: XHR };`,
      ].join('\n');
    },
    buildEnd(error) {
      // Fail loudly if an engine.io-client update moves the module, rather than silently bundling all.
      if (!error && !replaced) this.error('engine-transports: engine.io-client/build/esm/transports/index.js was not loaded');
    },
  };
}
