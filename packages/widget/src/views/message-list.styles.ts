import { css } from 'lit';

/** The scrolling list: its edges, the empty state, and the drop zone over it. */
export const messageListStyles = css`
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
  .drop-zone {
    position: absolute;
    inset: 8px;
    z-index: 10;
    display: grid;
    place-items: center;
    border: 2px dashed var(--_accent);
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_bg) 85%, var(--_accent));
    color: var(--_accent-fg);
    font-weight: 700;
    pointer-events: none;
  }
  .drop-zone .icon {
    inline-size: 40px;
    block-size: 40px;
    margin: 0 auto 0.5em;
  }
`;
