import { css } from 'lit';

/** Tombstones of deleted messages and the "(edited)" marker. */
export const messageChangesStyles = css`
  .bubble.deleted,
  .msg.own .bubble.deleted {
    background: transparent;
    color: var(--_muted);
    font-style: italic;
    outline: 1px dashed var(--_border);
    outline-offset: -1px;
  }
  .edited {
    grid-column: 2;
    justify-self: start;
    margin: 0.1em 0.4em 0;
    color: var(--_muted);
    font-size: 0.72em;
  }
  .msg.own .edited {
    grid-column: 1;
    justify-self: end;
  }
`;
