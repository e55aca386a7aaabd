import { css, unsafeCSS } from 'lit';

// The palette, as private variables (`--_x`) that read the public `--chat-*` ones with a default.
// Dark values apply under `prefers-color-scheme: dark` unless `theme="light"`, and always with
// `theme="dark"`; they are written once and included twice.
const light = css`
  --_bg: var(--chat-bg, #ffffff);
  --_surface: var(--chat-surface, #f6f7f9);
  --_text: var(--chat-text, #17191e);
  --_muted: var(--chat-muted, #5f6672);
  --_border: var(--chat-border, #e2e5ea);
  --_accent: var(--chat-accent, #4f46e5);
  --_accent-text: var(--chat-accent-text, #ffffff);
  /* The accent as text on the background (link buttons, "Copied"). */
  --_accent-fg: var(--_accent);
  --_bubble: var(--chat-bubble-bg, #eef0f4);
  --_bubble-text: var(--chat-bubble-text, var(--_text));
  --_own-bubble: var(--chat-own-bubble-bg, var(--_accent));
  --_own-bubble-text: var(--chat-own-bubble-text, var(--_accent-text));
  --_danger: var(--chat-danger, #c81e1e);
  --_warning-bg: var(--chat-warning-bg, #fff4d6);
  --_warning-text: var(--chat-warning-text, #6b4a00);
  --_shadow: 0 10px 40px rgb(15 20 35 / 0.18), 0 2px 8px rgb(15 20 35 / 0.08);
  --_a0: #c2410c; --_a1: #b45309; --_a2: #047857; --_a3: #0e7490;
  --_a4: #1d4ed8; --_a5: #7e22ce; --_a6: #be185d; --_a7: #4d7c0f;
  color-scheme: light;
`;
const dark = css`
  --_bg: var(--chat-bg, #15171c);
  --_surface: var(--chat-surface, #1d2027);
  --_text: var(--chat-text, #e9ebef);
  --_muted: var(--chat-muted, #a0a7b4);
  --_border: var(--chat-border, #2e323b);
  --_accent: var(--chat-accent, #6d6af5);
  --_accent-text: var(--chat-accent-text, #ffffff);
  --_bubble: var(--chat-bubble-bg, #262a33);
  /* The dark accent is too light under white text (4.2:1): own bubbles darker here. */
  --_own-bubble: var(--chat-own-bubble-bg, color-mix(in srgb, var(--_accent) 88%, black));
  /* And too dark as text on the dark background (4.3:1): lighter as text. */
  --_accent-fg: color-mix(in srgb, var(--_accent) 75%, white);
  --_danger: var(--chat-danger, #ff7070);
  --_warning-bg: var(--chat-warning-bg, #3d3010);
  --_warning-text: var(--chat-warning-text, #ffe3a0);
  --_shadow: 0 10px 40px rgb(0 0 0 / 0.5), 0 2px 8px rgb(0 0 0 / 0.3);
  --_a0: #fb923c; --_a1: #fbbf24; --_a2: #34d399; --_a3: #22d3ee;
  --_a4: #93b4ff; --_a5: #d8a4ff; --_a6: #f9a8d4; --_a7: #a3e635;
  color-scheme: dark;
`;

const authorColors = unsafeCSS(
  Array.from({ length: 8 }, (_, i) => `.c${i} { --_author: var(--_a${i}); }`).join('\n'),
);

/** What every view shares: the host and its palette, base rules, the frame, buttons, avatars. */
export const baseStyles = css`
  :host {
    ${light}
    --_radius: var(--chat-radius, 16px);
    /* The colour emoji fonts last, so that letters come from the text fonts and emoji from these. */
    --_font: var(--chat-font, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif, 'Apple Color Emoji', 'Segoe UI Emoji', 'Segoe UI Symbol', 'Noto Color Emoji');
    --_font-size: var(--chat-font-size, 15px);
    --_focus: var(--chat-focus-ring, 0 0 0 2px var(--_bg), 0 0 0 4px var(--_accent));
    display: block;
    position: relative;
    box-sizing: border-box;
    block-size: var(--chat-height, 100%);
    min-block-size: var(--chat-min-height, 420px);
    font-family: var(--_font);
    font-size: var(--_font-size);
    line-height: 1.45;
    color: var(--_text);
    -webkit-text-size-adjust: 100%;
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${dark}
    }
  }
  :host([theme='dark']) {
    ${dark}
  }
  :host([hidden]) {
    display: none;
  }
  :host([mode='launcher']) {
    block-size: 0;
    min-block-size: 0;
  }
  /* A full-page chat: the viewport's height, edge to edge. */
  :host([mode='page']) {
    block-size: 100dvh;
    min-block-size: 0;
  }
  :host([mode='page']) .frame {
    border: 0;
    border-radius: 0;
  }
  /* Arrows that point along the line of text turn round in right-to-left languages. */
  [dir='rtl'] :is(.exit, .send) .icon {
    transform: scaleX(-1);
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  ol,
  ul {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  [hidden] {
    display: none !important;
  }
  ${authorColors}

  button,
  input,
  textarea {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
  }
  button:disabled {
    cursor: default;
  }
  :focus {
    outline: none;
  }
  :focus-visible {
    box-shadow: var(--_focus);
  }
  .icon {
    flex: none;
    inline-size: 1.25em;
    block-size: 1.25em;
  }
  .visually-hidden {
    position: absolute !important;
    inline-size: 1px;
    block-size: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }


  /* ---- Frame: the chat surface (the whole element inline, the panel in launcher mode) ---- */
  .frame {
    position: relative;
    display: flex;
    flex-direction: column;
    block-size: 100%;
    min-block-size: inherit;
    overflow: hidden;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    container-type: inline-size;
  }

  /* ---- Buttons ---- */
  .btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.5em;
    min-block-size: 44px;
    padding: 0.6em 1.1em;
    border: 1px solid transparent;
    border-radius: 12px;
    font-weight: 600;
    transition: background-color 0.15s, border-color 0.15s, opacity 0.15s;
  }
  .btn.primary {
    background: var(--_accent);
    color: var(--_accent-text);
  }
  .btn.primary:hover:not(:disabled) {
    background: color-mix(in srgb, var(--_accent) 88%, black);
  }
  .btn.secondary {
    background: var(--_bg);
    border-color: var(--_border);
  }
  .btn.secondary:hover:not(:disabled) {
    background: var(--_surface);
  }
  .btn.danger {
    background: var(--_danger);
    color: var(--_bg);
  }
  .btn:disabled {
    opacity: 0.6;
  }
  .icon-btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.35em;
    min-inline-size: 36px;
    min-block-size: 36px;
    padding: 0 0.5em;
    border: 0;
    border-radius: 10px;
    background: transparent;
    color: var(--_muted);
    font-size: 0.9em;
    font-weight: 500;
  }
  .icon-btn:hover {
    background: color-mix(in srgb, var(--_text) 8%, transparent);
    color: var(--_text);
  }
  .link-btn {
    border: 0;
    padding: 0.1em 0.2em;
    background: none;
    color: var(--_accent-fg);
    font-weight: 600;
    border-radius: 4px;
  }
  .link-btn:hover {
    text-decoration: underline;
  }
  .link-btn .icon {
    inline-size: 1em;
    block-size: 1em;
    margin-inline-end: 0.2em;
    vertical-align: -0.125em;
  }

  /* ---- Avatars: the member list and message rows ---- */
  .avatar {
    flex: none;
    display: grid;
    place-items: center;
    inline-size: 32px;
    block-size: 32px;
    border-radius: 50%;
    background: color-mix(in srgb, var(--_author, var(--_accent)) 18%, var(--_bg));
    color: var(--_author, var(--_accent));
    font-size: 0.85em;
    font-weight: 700;
  }
  img.avatar {
    object-fit: cover;
  }
  /* A member the host site signed in. */
  .verified {
    color: var(--_accent);
    font-weight: 700;
    margin-inline-start: 0.25em;
  }
`;

/** Last, so it overrides every transition and animation above it. */
export const reducedMotionStyles = css`
  @media (prefers-reduced-motion: reduce) {
    * {
      transition: none !important;
      animation-duration: 0.01ms !important;
    }
  }
`;
