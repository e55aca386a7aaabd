import { css } from 'lit';

/** The header's Conversations button and the list it opens. */
export const conversationsStyles = css`
  .conversations-wrap {
    position: relative;
  }
  .conversations .count-badge {
    position: absolute;
    inset-block-start: -4px;
    inset-inline-end: -4px;
  }
  .count-badge {
    min-inline-size: 1.4em;
    padding: 0 0.35em;
    border-radius: 999px;
    background: var(--chat-danger, #c81e1e);
    color: #fff;
    font-size: 0.7em;
    line-height: 1.4em;
    text-align: center;
    font-variant-numeric: tabular-nums;
  }
  .conversation-list {
    position: absolute;
    inset-inline-end: 0;
    inset-block-start: calc(100% + 6px);
    z-index: 5;
    inline-size: min(300px, 80vw);
    max-block-size: 340px;
    overflow-y: auto;
    padding: 0.5em;
    border: 1px solid var(--_border);
    border-radius: 12px;
    background: var(--_bg);
    box-shadow: var(--_shadow);
  }
  .conversation-list h3 {
    margin: 0.2em 0.5em 0.4em;
    font-size: 0.75em;
    text-transform: uppercase;
    letter-spacing: 0.06em;
    color: var(--_muted);
  }
  .no-conversations {
    margin: 0.5em;
    color: var(--_muted);
  }
  .conversation {
    display: grid;
    grid-template-columns: 1fr auto;
    gap: 0.1em 0.5em;
    inline-size: 100%;
    padding: 0.45em 0.5em;
    border: 0;
    border-radius: 8px;
    background: none;
    color: inherit;
    font: inherit;
    text-align: start;
    cursor: pointer;
  }
  .conversation:hover,
  .conversation[aria-current='true'] {
    background: var(--_surface);
  }
  .conversation-name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-weight: 600;
  }
  .direct-mark {
    grid-column: 1;
    font-size: 0.75em;
    color: var(--_muted);
  }
  .conversation-last {
    grid-column: 1 / -1;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-size: 0.85em;
    color: var(--_muted);
  }
  .member-message {
    margin-inline-start: auto;
    padding: 0.15em 0.6em;
    border: 1px solid var(--_border);
    border-radius: 999px;
    background: none;
    color: var(--_accent, inherit);
    font: inherit;
    font-size: 0.8em;
    cursor: pointer;
  }
`;
