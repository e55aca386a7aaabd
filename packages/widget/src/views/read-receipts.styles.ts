import { css } from 'lit';

/** The unread divider and the "Seen by" line. */
export const readReceiptsStyles = css`
  .unread-divider {
    display: flex;
    align-items: center;
    gap: 0.75em;
    margin: 0.8em 0 0.2em;
    color: var(--_danger);
    font-size: 0.75em;
    font-weight: 700;
  }
  .unread-divider::before,
  .unread-divider::after {
    content: '';
    flex: 1;
    border-block-start: 1px solid currentColor;
  }
  .seen {
    grid-column: 1 / -1;
    justify-self: end;
    margin: 0.15em 0.25em 0;
    color: var(--_muted);
    font-size: 0.75em;
  }
`;
