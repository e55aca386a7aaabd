import { css } from 'lit';

/** The members button and the list it opens. */
export const membersStyles = css`
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
  .member .avatar {
    inline-size: 26px;
    block-size: 26px;
    font-size: 0.75em;
  }
`;
