import { css } from 'lit';

/** The rows of the list: day separators, join and leave lines, messages, pending sends. */
export const messageRowStyles = css`
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
    /* Logical corners: the tail side is the inline start, so it mirrors in right-to-left languages. */
    border-radius: var(--_radius);
    border-start-start-radius: 6px;
    border-end-start-radius: 6px;
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
    border-radius: var(--_radius);
    border-start-end-radius: 6px;
    border-end-end-radius: 6px;
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

  /* Narrow columns: bubbles may take almost the whole width. */
  @container (max-width: 440px) {
    .msg {
      max-inline-size: 92%;
    }
  }
`;
