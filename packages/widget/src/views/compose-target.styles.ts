import { css } from 'lit';

/** The reply or edit bar above the composer. */
export const composeTargetStyles = css`
  .compose-target {
    display: flex;
    align-items: center;
    gap: 0.6em;
    padding-block: 0.4em;
    padding-inline: 0.9em 0.6em;
    border-block-start: 1px solid var(--_border);
    background: var(--_surface);
    color: var(--_muted);
    font-size: 0.85em;
  }
  .compose-target > .icon {
    color: var(--_accent-fg);
  }
  .target-text {
    flex: 1;
    min-inline-size: 0;
    display: flex;
    flex-direction: column;
    padding-inline-start: 0.6em;
    border-inline-start: 3px solid var(--_accent);
  }
  .target-title {
    font-weight: 700;
    color: var(--_text);
  }
  .target-excerpt {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .compose-target + form.composer {
    border-block-start: 0;
  }
`;
