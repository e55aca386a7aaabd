/**
 * Registers `<chat-room>`. This is both the script-tag bundle's entry (`/widget.js`) and what
 * `import '@roomchat/widget'` runs. Registering is guarded, so including the script twice, or
 * the bundle next to the ESM build, is harmless: the first definition wins.
 */
import { ChatRoomElement } from './chat-room.js';

// `document.currentScript` is the <script> being evaluated, for classic scripts only (null in
// modules): https://html.spec.whatwg.org/multipage/dom.html#dom-document-currentscript
// The script-tag bundle uses it to default the server to the origin it was loaded from.
const script = typeof document === 'undefined' ? null : document.currentScript;
if (script instanceof HTMLScriptElement && script.src && !ChatRoomElement.defaultServer) {
  ChatRoomElement.defaultServer = new URL(script.src, location.href).origin;
}

if (typeof customElements !== 'undefined' && !customElements.get('chat-room')) {
  customElements.define('chat-room', ChatRoomElement);
}

export * from './index.js';
