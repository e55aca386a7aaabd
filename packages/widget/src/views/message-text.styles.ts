import { css } from 'lit';

/** What a bubble's text may hold (views/message-text.ts): links, mentions, code. */
export const messageTextStyles = css`
  .bubble a {
    color: inherit;
    text-decoration: underline;
    text-underline-offset: 0.15em;
  }
  .bubble a:focus-visible {
    outline: none;
    box-shadow: var(--_focus);
    border-radius: 2px;
  }
  .mention {
    padding: 0 0.15em;
    border-radius: 4px;
    background: color-mix(in srgb, currentColor 12%, transparent);
    font-weight: 600;
  }
  /* The visitor named: as strong as the accent, readable in every theme's bubbles. */
  .mention.self {
    background: color-mix(in srgb, var(--_accent) 28%, transparent);
    box-shadow: inset 0 -2px 0 var(--_accent);
  }
  .msg.own .mention.self {
    background: color-mix(in srgb, var(--_own-bubble-text) 24%, transparent);
    box-shadow: inset 0 -2px 0 var(--_own-bubble-text);
  }
  .bubble code,
  .bubble pre {
    font-family: ui-monospace, 'SF Mono', Menlo, Consolas, 'Liberation Mono', monospace;
    font-size: 0.9em;
  }
  .bubble code {
    padding: 0.05em 0.3em;
    border-radius: 4px;
    background: color-mix(in srgb, currentColor 10%, transparent);
  }
  .bubble pre {
    margin: 0.3em 0;
    padding: 0.45em 0.6em;
    border-radius: 6px;
    background: color-mix(in srgb, currentColor 10%, transparent);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .bubble pre code {
    padding: 0;
    background: none;
    font-size: 1em;
  }
`;
