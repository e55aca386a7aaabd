import { css } from 'lit';

/** The room header: the code with its copy button, members, exit. */
export const headerStyles = css`
  header {
    position: relative;
    z-index: 2;
    display: flex;
    align-items: center;
    gap: 0.5em;
    padding-block: 0.6em;
    padding-inline: 1em 0.6em;
    border-block-end: 1px solid var(--_border);
    background: var(--_surface);
  }
  .room-id {
    flex: 1;
    min-inline-size: 0;
    display: flex;
    align-items: center;
    gap: 0.25em;
  }
  /* A titled room: the title on its own line, the code under it, smaller. */
  .room-title {
    flex-basis: 100%;
    font-weight: 700;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .room-id:has(.room-title) {
    flex-wrap: wrap;
    row-gap: 0;
    font-size: 0.9em;
  }
  .room-label {
    color: var(--_muted);
    font-size: 0.8em;
    font-weight: 600;
    text-transform: uppercase;
    letter-spacing: 0.06em;
  }
  .room-code {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-weight: 700;
    font-size: 1.02em;
    letter-spacing: 0.06em;
    margin-inline: 0.35em 0.1em;
    user-select: all;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .copied {
    color: var(--_accent-fg);
  }
  .exit {
    color: var(--_text);
  }
  /* "Leave this room?": a sheet under the header, over the top of the list. */
  .exit-confirm {
    position: absolute;
    inset-inline: 0;
    inset-block-start: 100%;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 0.5em 1em;
    padding: 0.75em 1em;
    border-block-end: 1px solid var(--_border);
    background: var(--_surface);
    box-shadow: var(--_shadow);
  }
  .exit-confirm p {
    margin: 0;
    font-weight: 600;
  }
  .exit-actions {
    display: flex;
    gap: 0.5em;
    margin-inline-start: auto;
  }
  /* Narrow columns: the code and the exit button keep their room; the labels go. */
  @container (max-width: 440px) {
    .room-label {
      display: none;
    }
    .exit .label {
      position: absolute;
      inline-size: 1px;
      block-size: 1px;
      overflow: hidden;
      clip-path: inset(50%);
    }
    header {
      padding-inline-start: 0.75em;
      gap: 0.25em;
    }
  }
`;
