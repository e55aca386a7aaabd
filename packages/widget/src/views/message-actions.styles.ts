import { css } from 'lit';

/**
 * A message's toolbar floats over the top corner of its row. It stays focusable while unseen
 * (opacity, not `visibility`), so Tab reaches it, and shows on hover, on keyboard focus inside the
 * row, and while held open (long-press, picker, confirmation).
 */
export const messageActionsStyles = css`
  .msg {
    position: relative;
  }
  .actions {
    position: absolute;
    inset-block-start: -1.1em;
    inset-inline-end: 0;
    z-index: 2;
    display: flex;
    flex-direction: column;
    align-items: flex-end;
    gap: 4px;
    opacity: 0;
    pointer-events: none;
    transition: opacity 0.12s;
  }
  .msg.own .actions {
    inset-inline-end: auto;
    inset-inline-start: 0;
    align-items: flex-start;
  }
  .msg:hover .actions,
  .msg:focus-within .actions,
  .actions.held,
  .actions.confirm {
    opacity: 1;
    pointer-events: auto;
  }
  .toolbar,
  .picker,
  .actions.confirm {
    display: flex;
    align-items: center;
    gap: 2px;
    padding: 2px;
    border: 1px solid var(--_border);
    border-radius: 10px;
    background: var(--_bg);
    color: var(--_text);
    box-shadow: var(--_shadow);
  }
  .action-btn,
  .pick {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.3em;
    min-inline-size: 32px;
    min-block-size: 32px;
    padding: 0 0.4em;
    border: 0;
    border-radius: 8px;
    background: transparent;
    color: var(--_muted);
    font-size: 0.85em;
  }
  .action-btn:hover,
  .pick:hover,
  .pick[aria-pressed='true'],
  .action-btn[aria-expanded='true'] {
    background: color-mix(in srgb, var(--_text) 10%, transparent);
    color: var(--_text);
  }
  .action-btn .icon {
    inline-size: 1.1em;
    block-size: 1.1em;
  }
  .pick {
    font-size: 1.15em;
    line-height: 1;
  }
  .actions.confirm {
    flex-wrap: wrap;
    max-inline-size: 100%;
    padding: 0.3em 0.5em;
    font-size: 0.9em;
  }
  .confirm-text {
    margin-inline-end: 0.3em;
  }
  .action-btn.danger {
    color: var(--_danger);
    font-weight: 600;
  }
  .action-btn.cancel-delete {
    color: var(--_text);
  }
`;
