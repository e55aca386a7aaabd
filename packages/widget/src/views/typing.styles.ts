import { css } from 'lit';

/** The typing line floats over the bottom of the list, so appearing and going does not move the list. */
export const typingStyles = css`
  .typing-anchor {
    position: relative;
    block-size: 0;
  }
  .typing {
    position: absolute;
    inset-block-end: 4px;
    inset-inline-start: 0.9em;
    z-index: 2;
    max-inline-size: calc(100% - 1.8em);
    padding: 0.1em 0.6em;
    border-radius: 999px;
    background: var(--_surface);
    color: var(--_muted);
    font-size: 0.78em;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .typing:not(.on) {
    padding: 0;
  }
`;
