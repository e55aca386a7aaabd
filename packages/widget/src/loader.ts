/**
 * `/widget.js`: a loader of a few KB that registers `<chat-room>` at once, draws what is seen
 * before anything else (the launcher's button, or the inline element's box at its final size),
 * and loads the rest of the widget (`widget/chat-room.[hash].js` beside it, an ES module with its
 * languages split off) on the first open of the launcher, or when the inline element comes near
 * the viewport. The rest then takes over the same element: the page keeps its reference, its
 * attributes, and any property it set meanwhile. Why and what it weighs: docs/performance.md.
 */
import { observedAttributes, ROOMS_KEY } from './attributes.js';

/** Replaced at build time (rollup.config.js) by the rest's file name, relative to this script. */
const REST = '__ROOMCHAT_REST__';

interface FullElement extends HTMLElement {
  open: boolean;
  updateComplete: Promise<unknown>;
  connectedCallback(): void;
  attributeChangedCallback(name: string, old: string | null, value: string | null): void;
}
type FullClass = (new () => FullElement) & { defaultServer?: string; observedAttributes: string[] };

// A classic script's own <script> element, while it runs: the rest sits beside it, and the
// server it came from is the element's default (https://html.spec.whatwg.org/#dom-document-currentscript).
const script = document.currentScript as HTMLScriptElement | null;
const base = script?.src || location.href;

// Constructable stylesheets pass a `style-src 'self'` policy. Class names differ from the full
// element's, whose sheets are adopted beside this one while it takes over.
const css = `:host{display:block;position:relative;box-sizing:border-box;block-size:var(--chat-height,100%);min-block-size:var(--chat-min-height,420px)}
:host([hidden]){display:none}:host([mode=launcher]){block-size:0;min-block-size:0}:host([mode=page]){block-size:100dvh;min-block-size:0}
.rc-box{box-sizing:border-box;display:grid;place-items:center;block-size:100%;border:1px solid var(--chat-border,#e2e5ea);border-radius:var(--chat-radius,16px);background:var(--chat-bg,#fff)}
:host([mode=page]) .rc-box{border:0;border-radius:0}
.launcher{position:fixed;inset-block-end:var(--chat-launcher-inset,20px);inset-inline-end:var(--chat-launcher-inset,20px);z-index:var(--chat-z-index,2147483000);display:grid;place-items:center;inline-size:60px;block-size:60px;padding:0;border:0;border-radius:50%;background:var(--chat-accent,#4f46e5);color:var(--chat-accent-text,#fff);box-shadow:0 10px 40px rgb(15 20 35/.18),0 2px 8px rgb(15 20 35/.08);cursor:pointer}
.launcher:focus-visible{outline:2px solid var(--chat-accent,#4f46e5);outline-offset:2px}
.launcher svg{inline-size:28px;block-size:28px}
.rc-spin{inline-size:24px;block-size:24px;border:3px solid currentColor;border-inline-end-color:transparent;border-radius:50%;animation:rc-spin .8s linear infinite}
.rc-box .rc-spin{color:var(--chat-accent,#4f46e5);opacity:0;animation:rc-spin .8s linear infinite,rc-show 0s 1s forwards}
@keyframes rc-spin{to{transform:rotate(360deg)}}@keyframes rc-show{to{opacity:1}}
@media (prefers-color-scheme:dark){:host(:not([theme=light])) .rc-box{background:var(--chat-bg,#15171c);border-color:var(--chat-border,#2e323b)}}
:host([theme=dark]) .rc-box{background:var(--chat-bg,#15171c);border-color:var(--chat-border,#2e323b)}
@media (prefers-reduced-motion:reduce){.rc-spin{animation-duration:3s}}`;

/** The launcher's name before the strings are there, by primary language subtag. */
const OPEN: Record<string, string> = {
  en: 'Open chat',
  fr: 'Ouvrir la discussion',
  es: 'Abrir el chat',
  de: 'Chat öffnen',
  pt: 'Abrir o chat',
  ja: 'チャットを開く',
  ar: 'فتح الدردشة',
};
const CHAT_ICON =
  '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"/></svg>';

let sheet: CSSStyleSheet | undefined;
let rest: Promise<FullClass> | undefined;
/** The full element's class once loaded; `full` holds the elements that are it. */
let Full: FullClass | undefined;
const full = new WeakSet<HTMLElement>();

function load(): Promise<FullClass> {
  rest ??= import(/* webpackIgnore: true */ new URL(REST, base).href).then((m: { ChatRoomElement: FullClass }) => {
    const ChatRoomElement = m.ChatRoomElement;
    ChatRoomElement.defaultServer ??= new URL(base).origin;
    // Reading it finalizes the lit class (its properties, styles and attribute map).
    if (ChatRoomElement.observedAttributes.some((name) => !observedAttributes.includes(name))) console.warn('chat-room: the loader does not observe every attribute');
    // From now on this class is the full element: new elements run its constructor natively.
    Object.setPrototypeOf(ChatRoomLoader.prototype, ChatRoomElement.prototype);
    Object.setPrototypeOf(ChatRoomLoader, ChatRoomElement);
    Full = ChatRoomElement;
    return ChatRoomElement;
  });
  return rest;
}

/** Whether the visitor has a room to go back to (persistence.ts) or the page's URL is an invite (invite.ts). */
function returning(el: Element): boolean {
  if (/(^#|&)roomchat=/.test(location.hash)) return true;
  const persist = el.getAttribute('persist');
  try {
    return persist !== 'none' && (persist === 'local' ? localStorage : sessionStorage).getItem(ROOMS_KEY)?.includes('"code"') === true;
  } catch {
    return false;
  }
}

/** The `lang` the page declared for the element, up its ancestors, else the browser's. */
const declaredLang = (el: Element) => el.closest('[lang]')?.getAttribute('lang') || navigator.language || 'en';

/**
 * Runs the full element's constructor on an element this loader drew, as an upgrade would: the
 * lit base class is given, for that one call, a parent constructor that returns the existing
 * element, so every field (private ones included) lands on it. Then its attributes and
 * connection are replayed in the order the browser follows (attributes, then connected).
 */
function takeOver(el: ChatRoomLoader, ChatRoomElement: FullClass): Promise<unknown> {
  let top: object = ChatRoomElement;
  while (Object.getPrototypeOf(top) !== HTMLElement) top = Object.getPrototypeOf(top) as object;
  const placeholder = [...(el.shadowRoot?.childNodes ?? [])];
  class Existing {
    constructor() {
      // biome-ignore lint/correctness/noConstructorReturn: the point: super() yields the existing element.
      return el;
    }
  }
  Object.setPrototypeOf(top, Existing);
  try {
    Reflect.construct(ChatRoomElement, [], ChatRoomLoader);
  } finally {
    Object.setPrototypeOf(top, HTMLElement);
  }
  full.add(el);
  const proto = ChatRoomElement.prototype as FullElement;
  for (const name of observedAttributes) if (el.hasAttribute(name)) proto.attributeChangedCallback.call(el, name, null, el.getAttribute(name));
  if (!el.isConnected) return Promise.resolve();
  proto.connectedCallback.call(el);
  const root = el.shadowRoot!;
  // The placeholder stays until the first render (the language's strings may be loading).
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet!];
  return (el as unknown as FullElement).updateComplete.then(() => {
    for (const node of placeholder) node.remove();
    root.adoptedStyleSheets = root.adoptedStyleSheets.filter((s) => s !== sheet);
  });
}

/** What `<chat-room>` is until the rest has loaded; then the full element, through its prototype. */
class ChatRoomLoader extends HTMLElement {
  static observedAttributes = observedAttributes;
  #observer: IntersectionObserver | undefined;

  constructor() {
    super();
    // Created after the rest loaded: super() was the full element's constructor.
    if (Full) full.add(this);
  }

  // The registry keeps these three functions for good, so they forward to the full element's.
  connectedCallback(): void {
    if (full.has(this)) (Full!.prototype as FullElement).connectedCallback.call(this);
    else this.#draw();
  }

  disconnectedCallback(): void {
    if (full.has(this)) (Full!.prototype as unknown as { disconnectedCallback(): void }).disconnectedCallback.call(this);
    this.#observer?.disconnect();
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (full.has(this)) (Full!.prototype as FullElement).attributeChangedCallback.call(this, name, old, value);
    else if (this.isConnected && (name === 'mode' || (name === 'open' && value !== null))) this.#draw();
  }

  /** The launcher's button, or the inline element's box; then waits for the moment to load. */
  #draw(): void {
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
    }
    root.adoptedStyleSheets = [sheet];
    this.#observer?.disconnect();
    const lang = declaredLang(this).toLowerCase().split('-')[0]!;
    if (this.getAttribute('mode') === 'launcher') {
      if (this.hasAttribute('open')) {
        this.#upgrade(false);
        return;
      }
      const button = document.createElement('button');
      button.className = 'launcher';
      button.part.add('launcher');
      button.dir = lang === 'ar' ? 'rtl' : 'ltr';
      button.setAttribute('aria-expanded', 'false');
      button.setAttribute('aria-label', OPEN[lang] ?? OPEN.en!);
      button.innerHTML = CHAT_ICON; // a constant: no page or visitor text goes through innerHTML
      button.onclick = () => {
        button.setAttribute('aria-busy', 'true');
        button.innerHTML = '<span class="rc-spin"></span>';
        this.#upgrade(true);
      };
      root.replaceChildren(button);
      // A visitor coming back to a room (or following an invite) is re-joined now, not on the next open.
      if (returning(this)) this.#upgrade(false);
    } else {
      const box = document.createElement('div');
      box.className = 'rc-box';
      box.part.add('base');
      box.innerHTML = '<span class="rc-spin"></span>';
      root.replaceChildren(box);
      // Loads as it comes near the viewport; the first callback comes at once if it is there already.
      this.#observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && this.#upgrade(false), { rootMargin: '200px' });
      this.#observer.observe(this);
    }
  }

  #upgrade(open: boolean): void {
    this.#observer?.disconnect();
    void load().then(async (ChatRoomElement) => {
      if (!full.has(this)) await takeOver(this, ChatRoomElement);
      // Opened now, as a change, so that focus moves into the panel as on every later open.
      if (open) (this as unknown as FullElement).open = true;
    });
  }
}

if (!customElements.get('chat-room')) customElements.define('chat-room', ChatRoomLoader);
