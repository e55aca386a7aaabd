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

/**
 * The element's styles, adopted into its shadow root as a constructable stylesheet, which a
 * Content-Security-Policy of `style-src 'self'` allows (no inline `<style>` or `style=""`).
 */
export const chatRoomStyles = css`
  :host {
    ${light}
    --_radius: var(--chat-radius, 16px);
    --_font: var(--chat-font, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif);
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
    color: var(--_accent);
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

  /* ---- Home view ---- */
  .home {
    flex: 1;
    display: flex;
    flex-direction: column;
    justify-content: center;
    overflow-y: auto;
    padding: clamp(20px, 6%, 40px);
    background:
      radial-gradient(120% 60% at 50% 0%, color-mix(in srgb, var(--_accent) 12%, transparent), transparent 70%),
      var(--_bg);
  }
  .home-inner {
    inline-size: 100%;
    max-inline-size: 360px;
    margin: 0 auto;
  }
  .brand {
    display: flex;
    align-items: center;
    gap: 0.75em;
    margin-block-end: 1.5em;
  }
  .logo {
    display: grid;
    place-items: center;
    inline-size: 48px;
    block-size: 48px;
    border-radius: 14px;
    background: var(--_accent);
    color: var(--_accent-text);
    box-shadow: 0 6px 16px color-mix(in srgb, var(--_accent) 35%, transparent);
  }
  .logo .icon {
    inline-size: 26px;
    block-size: 26px;
  }
  h2 {
    margin: 0;
    font-size: 1.45em;
    line-height: 1.2;
    letter-spacing: -0.01em;
  }
  .subtitle {
    margin: 0.2em 0 0;
    color: var(--_muted);
    font-size: 0.92em;
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: 0.35em;
    margin-block-end: 1em;
  }
  label {
    font-size: 0.85em;
    font-weight: 600;
  }
  .field input {
    inline-size: 100%;
    min-block-size: 44px;
    padding: 0.6em 0.85em;
    border: 1px solid var(--_border);
    border-radius: 12px;
    background: var(--_bg);
    transition: border-color 0.15s;
  }
  .field input::placeholder,
  textarea::placeholder {
    color: var(--_muted);
    opacity: 0.85;
  }
  .field input:focus-visible {
    border-color: var(--_accent);
  }
  .field input[aria-invalid='true'] {
    border-color: var(--_danger);
  }
  .code-input {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    letter-spacing: 0.08em;
    text-transform: uppercase;
  }
  .code-input::placeholder {
    text-transform: none;
    letter-spacing: normal;
    font-family: var(--_font);
  }
  .join-row {
    display: flex;
    gap: 0.5em;
  }
  .join-row input {
    flex: 1;
    min-inline-size: 0;
  }
  .divider {
    display: flex;
    align-items: center;
    gap: 0.75em;
    margin: 0.5em 0 1.25em;
    color: var(--_muted);
    font-size: 0.85em;
  }
  .divider::before,
  .divider::after {
    content: '';
    flex: 1;
    border-block-start: 1px solid var(--_border);
  }
  .create {
    inline-size: 100%;
  }
  .form-error {
    display: flex;
    gap: 0.5em;
    align-items: flex-start;
    margin: 0 0 1em;
    padding: 0.65em 0.8em;
    border-radius: 10px;
    background: color-mix(in srgb, var(--_danger) 10%, transparent);
    color: var(--_danger);
    font-size: 0.9em;
  }

  /* ---- Room view: header ---- */
  header {
    position: relative;
    z-index: 2;
    display: flex;
    align-items: center;
    gap: 0.5em;
    padding: 0.6em 0.6em 0.6em 1em;
    border-block-end: 1px solid var(--_border);
    background: var(--_surface);
  }
  .room-id {
    flex: 1;
    min-inline-size: 0;
    display: flex;
    align-items: center;
    gap: 0.25em;
  }
  .room-label {
    color: var(--_muted);
    font-size: 0.8em;
    font-weight: 600;
    text-transform: uppercase;
    letter-spacing: 0.06em;
  }
  .room-code {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-weight: 700;
    font-size: 1.02em;
    letter-spacing: 0.06em;
    margin-inline: 0.35em 0.1em;
    user-select: all;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .copied {
    color: var(--_accent);
  }
  .members-wrap {
    position: relative;
  }
  .members-count {
    font-variant-numeric: tabular-nums;
  }
  .member-list {
    position: absolute;
    inset-inline-end: 0;
    inset-block-start: calc(100% + 6px);
    z-index: 5;
    min-inline-size: 200px;
    max-inline-size: 280px;
    max-block-size: 300px;
    overflow-y: auto;
    padding: 0.5em;
    border: 1px solid var(--_border);
    border-radius: 12px;
    background: var(--_bg);
    box-shadow: var(--_shadow);
  }
  .member-list h3 {
    margin: 0.2em 0.5em 0.4em;
    font-size: 0.75em;
    text-transform: uppercase;
    letter-spacing: 0.06em;
    color: var(--_muted);
  }
  .member {
    display: flex;
    align-items: center;
    gap: 0.6em;
    padding: 0.35em 0.5em;
    border-radius: 8px;
  }
  .member-name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .member .you {
    color: var(--_muted);
    font-size: 0.85em;
  }
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
  .member .avatar {
    inline-size: 26px;
    block-size: 26px;
    font-size: 0.75em;
  }
  .exit {
    color: var(--_text);
  }

  /* ---- Connection banner ---- */
  .banner {
    display: flex;
    align-items: center;
    gap: 0.5em;
    padding: 0.45em 1em;
    background: var(--_warning-bg);
    color: var(--_warning-text);
    font-size: 0.85em;
    font-weight: 500;
  }
  .spinner {
    inline-size: 0.9em;
    block-size: 0.9em;
    border: 2px solid currentColor;
    border-inline-end-color: transparent;
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }

  /* ---- Message list ---- */
  .messages {
    flex: 1;
    min-block-size: 0;
    overflow-y: auto;
    overscroll-behavior: contain;
    padding: 0.75em 0.9em 0.5em;
    scroll-padding-block-end: 0.5em;
  }
  .messages > ol {
    display: flex;
    flex-direction: column;
  }
  .history-edge {
    display: flex;
    justify-content: center;
    padding: 0.25em 0 0.75em;
    color: var(--_muted);
    font-size: 0.8em;
  }
  .empty {
    margin: auto;
    padding: 2em 1em;
    text-align: center;
    color: var(--_muted);
  }
  .day {
    display: flex;
    align-items: center;
    gap: 0.75em;
    margin: 0.9em 0 0.4em;
    color: var(--_muted);
    font-size: 0.75em;
    font-weight: 600;
    text-transform: uppercase;
    letter-spacing: 0.05em;
  }
  .day::before,
  .day::after {
    content: '';
    flex: 1;
    border-block-start: 1px solid var(--_border);
  }
  .system {
    align-self: center;
    max-inline-size: 90%;
    margin: 0.35em 0;
    padding: 0.2em 0.75em;
    border-radius: 999px;
    background: var(--_surface);
    color: var(--_muted);
    font-size: 0.8em;
    text-align: center;
    overflow-wrap: anywhere;
  }
  .system time {
    margin-inline-start: 0.4em;
  }
  .msg {
    display: grid;
    grid-template-columns: 32px minmax(0, 1fr);
    column-gap: 0.6em;
    align-items: end;
    max-inline-size: min(85%, 560px);
    margin-block-start: 2px;
  }
  .msg.first {
    margin-block-start: 0.7em;
  }
  .msg.own {
    grid-template-columns: minmax(0, 1fr);
    align-self: flex-end;
    justify-items: end;
  }
  .msg .avatar {
    grid-row: 1 / span 2;
    align-self: start;
    margin-block-start: 1.35em;
  }
  .msg:not(.first) .avatar {
    visibility: hidden;
    block-size: 0;
  }
  .msg-head {
    display: flex;
    align-items: baseline;
    gap: 0.5em;
    margin: 0 0.25em 0.2em;
    font-size: 0.8em;
  }
  .author {
    font-weight: 700;
    color: var(--_author, var(--_text));
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .time {
    color: var(--_muted);
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  .bubble {
    grid-column: 2;
    justify-self: start;
    max-inline-size: 100%;
    padding: 0.5em 0.8em;
    border-radius: 6px var(--_radius) var(--_radius) 6px;
    background: var(--_bubble);
    color: var(--_bubble-text);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .msg.first .bubble {
    border-start-start-radius: var(--_radius);
  }
  .msg.own .bubble {
    grid-column: 1;
    justify-self: end;
    border-radius: var(--_radius) 6px 6px var(--_radius);
    background: var(--_own-bubble);
    color: var(--_own-bubble-text);
  }
  .msg.own.first .bubble {
    border-start-end-radius: var(--_radius);
  }
  .bubble.image,
  .msg.own .bubble.image {
    padding: 0;
    background: none;
    line-height: 0;
  }
  .thumb {
    display: block;
    padding: 0;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: none;
    overflow: hidden;
    cursor: zoom-in;
  }
  .thumb img,
  .preview img {
    display: block;
    max-inline-size: 100%;
    block-size: auto;
    border-radius: calc(var(--_radius) - 1px);
    background: color-mix(in srgb, var(--_text) 6%, transparent);
    object-fit: cover;
  }
  .preview {
    position: relative;
  }
  .preview img {
    max-inline-size: 200px;
    max-block-size: 200px;
    opacity: 0.6;
  }
  .msg.pending .bubble:not(.image) {
    opacity: 0.65;
  }
  .msg.failed .bubble {
    background: color-mix(in srgb, var(--_danger) 14%, var(--_bg));
    color: var(--_text);
    outline: 1px solid color-mix(in srgb, var(--_danger) 50%, transparent);
  }
  .status {
    display: flex;
    align-items: center;
    gap: 0.35em;
    margin: 0.2em 0.25em 0;
    color: var(--_muted);
    font-size: 0.75em;
  }
  .status.failed {
    color: var(--_danger);
    font-weight: 600;
  }
  .status .icon {
    inline-size: 1.1em;
    block-size: 1.1em;
  }
  progress {
    inline-size: 100%;
    block-size: 4px;
    margin-block-start: 4px;
    border: 0;
    border-radius: 2px;
    appearance: none;
    overflow: hidden;
    background: color-mix(in srgb, var(--_text) 12%, transparent);
    accent-color: var(--_accent);
  }
  progress::-webkit-progress-bar {
    background: transparent;
  }
  progress::-webkit-progress-value {
    background: var(--_accent);
  }

  .new-below {
    position: absolute;
    inset-inline: 0;
    margin-inline: auto;
    inset-block-end: calc(100% + 10px);
    inline-size: max-content;
    z-index: 3;
    display: flex;
    align-items: center;
    gap: 0.4em;
    padding: 0.4em 0.9em;
    border: 0;
    border-radius: 999px;
    background: var(--_accent);
    color: var(--_accent-text);
    font-size: 0.85em;
    font-weight: 600;
    box-shadow: var(--_shadow);
  }

  /* ---- Composer ---- */
  form.composer {
    position: relative;
    display: flex;
    align-items: flex-end;
    gap: 0.4em;
    padding: 0.6em;
    border-block-start: 1px solid var(--_border);
    background: var(--_surface);
  }
  .input-wrap {
    flex: 1;
    min-inline-size: 0;
    display: flex;
    flex-direction: column;
  }
  textarea {
    display: block;
    inline-size: 100%;
    min-block-size: 44px;
    max-block-size: 9.5em;
    padding: 0.6em 0.9em;
    border: 1px solid var(--_border);
    border-radius: 22px;
    background: var(--_bg);
    resize: none;
    line-height: 1.4;
    field-sizing: content;
    overflow-y: auto;
  }
  textarea:focus-visible {
    border-color: var(--_accent);
  }
  textarea[aria-invalid='true'] {
    border-color: var(--_danger);
  }
  .counter,
  .composer-error {
    margin: 0.3em 0.9em 0;
    font-size: 0.78em;
  }
  .counter {
    color: var(--_muted);
    text-align: end;
  }
  .counter.over,
  .composer-error {
    color: var(--_danger);
    font-weight: 600;
  }
  .attach {
    min-inline-size: 44px;
    min-block-size: 44px;
    border-radius: 50%;
  }
  .send {
    flex: none;
    display: grid;
    place-items: center;
    inline-size: 44px;
    block-size: 44px;
    border: 0;
    border-radius: 50%;
    background: var(--_accent);
    color: var(--_accent-text);
    transition: opacity 0.15s, transform 0.1s;
  }
  .send:active:not(:disabled) {
    transform: scale(0.94);
  }
  .send:disabled {
    opacity: 0.45;
  }
  .drop-zone {
    position: absolute;
    inset: 8px;
    z-index: 10;
    display: grid;
    place-items: center;
    border: 2px dashed var(--_accent);
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_bg) 85%, var(--_accent));
    color: var(--_accent);
    font-weight: 700;
    pointer-events: none;
  }
  .drop-zone .icon {
    inline-size: 40px;
    block-size: 40px;
    margin: 0 auto 0.5em;
  }

  /* ---- Lightbox ---- */
  dialog {
    max-inline-size: 100vw;
    max-block-size: 100vh;
    padding: 0;
    border: 0;
    background: transparent;
    color: #fff;
    overflow: visible;
  }
  dialog::backdrop {
    background: rgb(8 10 16 / 0.86);
  }
  dialog img {
    display: block;
    max-inline-size: min(calc(100vw - 32px), 1400px);
    max-block-size: calc(100vh - 96px);
    margin: 0 auto;
    border-radius: 10px;
    box-shadow: 0 20px 60px rgb(0 0 0 / 0.5);
  }
  .dialog-bar {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 1em;
    padding: 0 0 0.5em;
    font-size: 0.9em;
  }
  .dialog-bar a,
  .dialog-bar .icon-btn {
    display: inline-flex;
    align-items: center;
    gap: 0.4em;
    color: #fff;
    font-weight: 600;
    text-decoration: none;
    border-radius: 8px;
  }
  .dialog-bar .icon-btn:hover {
    background: rgb(255 255 255 / 0.14);
  }

  /* ---- Launcher mode ---- */
  .launcher {
    position: fixed;
    inset-block-end: var(--chat-launcher-inset, 20px);
    inset-inline-end: var(--chat-launcher-inset, 20px);
    z-index: var(--chat-z-index, 2147483000);
    display: grid;
    place-items: center;
    inline-size: 60px;
    block-size: 60px;
    border: 0;
    border-radius: 50%;
    background: var(--_accent);
    color: var(--_accent-text);
    box-shadow: var(--_shadow);
    transition: transform 0.15s;
  }
  .launcher:hover {
    transform: scale(1.05);
  }
  .launcher .icon {
    inline-size: 28px;
    block-size: 28px;
  }
  .badge {
    position: absolute;
    inset-block-start: -2px;
    inset-inline-end: -2px;
    min-inline-size: 22px;
    block-size: 22px;
    padding: 0 6px;
    border: 2px solid var(--_bg);
    border-radius: 11px;
    background: var(--_danger);
    color: #fff;
    font-size: 12px;
    font-weight: 700;
    line-height: 18px;
    text-align: center;
  }
  .panel {
    position: fixed;
    inset-block-end: calc(var(--chat-launcher-inset, 20px) + 72px);
    inset-inline-end: var(--chat-launcher-inset, 20px);
    z-index: var(--chat-z-index, 2147483000);
    inline-size: var(--chat-panel-width, 380px);
    max-inline-size: calc(100vw - 2 * var(--chat-launcher-inset, 20px));
    block-size: var(--chat-panel-height, 600px);
    max-block-size: calc(100dvh - 120px);
    box-shadow: var(--_shadow);
    border-radius: var(--_radius);
  }
  .panel .frame {
    min-block-size: 0;
  }
  .panel-close {
    position: absolute;
    inset-block-start: 8px;
    inset-inline-end: 8px;
    z-index: 4;
  }
  @media (max-width: 480px) {
    .panel {
      inset: 0;
      inline-size: 100%;
      max-inline-size: none;
      block-size: 100%;
      max-block-size: none;
      border-radius: 0;
    }
    .panel .frame {
      border: 0;
      border-radius: 0;
    }
    .panel:not([hidden]) + .launcher {
      display: none;
    }
  }

  /* ---- Narrow columns ---- */
  @container (max-width: 440px) {
    .room-label {
      display: none;
    }
    .exit .label {
      position: absolute;
      inline-size: 1px;
      block-size: 1px;
      overflow: hidden;
      clip-path: inset(50%);
    }
    header {
      padding-inline-start: 0.75em;
      gap: 0.25em;
    }
    .msg {
      max-inline-size: 92%;
    }
  }

  @media (prefers-reduced-motion: reduce) {
    * {
      transition: none !important;
      animation-duration: 0.01ms !important;
    }
  }
`;
