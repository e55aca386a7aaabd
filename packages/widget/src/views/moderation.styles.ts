import { css } from 'lit';

/** The room menu, member actions and role badges, the report panel, hidden messages, and what a removed, muted or slowed visitor is shown. */
export const moderationStyles = css`
  /* A sheet under the header, like the invite menu. */
  .mod-menu {
    position: absolute;
    inset-inline: 0;
    inset-block-start: 100%;
    z-index: 5;
    display: grid;
    gap: 0.5em;
    justify-items: start;
    max-block-size: 60vh;
    overflow: auto;
    padding: 0.75em 1em;
    border-block-end: 1px solid var(--_border);
    background: var(--_surface);
    box-shadow: var(--_shadow);
  }
  .menu-item,
  .chip,
  .member-more {
    padding: 0.35em 0.7em;
    border: 1px solid var(--_border);
    border-radius: 999px;
    background: var(--_bg);
    color: var(--_text);
    font: inherit;
    font-size: 0.9em;
    cursor: pointer;
  }
  .menu-item.danger {
    color: var(--_danger);
  }
  .chip[aria-pressed='true'],
  .menu-item[aria-pressed='true'] {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_accent-text);
  }
  .slow-modes,
  .member-actions,
  .report-actions,
  .reasons {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.35em;
  }
  .menu-label {
    font-weight: 600;
    margin-inline-end: 0.3em;
  }
  .reports {
    display: grid;
    gap: 0.5em;
    inline-size: 100%;
  }
  .report {
    padding: 0.5em;
    border: 1px solid var(--_border);
    border-radius: 8px;
  }
  .report p {
    margin: 0 0 0.3em;
    overflow-wrap: anywhere;
  }
  .report-meta,
  .new-code,
  .reports-empty {
    margin: 0;
    color: var(--_muted);
    font-size: 0.9em;
  }
  .new-code {
    color: var(--_text);
    font-weight: 600;
  }
  .member {
    flex-wrap: wrap;
  }
  .member-more {
    padding: 0.1em 0.55em;
  }
  .member-list:has(.member-more) {
    max-inline-size: 340px;
  }
  .member-actions .chip {
    font-size: 0.8em;
    white-space: nowrap;
  }
  .member-actions {
    flex-basis: 100%;
  }
  .role-badge {
    padding: 0 0.45em;
    border-radius: 999px;
    background: var(--_bubble);
    color: var(--_muted);
    font-size: 0.75em;
  }
  .reason {
    display: inline-flex;
    align-items: center;
    gap: 0.25em;
  }
  .hidden-marker {
    color: var(--_muted);
    font-size: 0.8em;
  }
  .mod-notice {
    display: flex;
    align-items: center;
    gap: 0.4em;
    margin: 0;
    padding: 0.4em 1em;
    border-block-start: 1px solid var(--_border);
    background: var(--_surface);
    color: var(--_text);
    font-size: 0.9em;
  }
  .removed {
    display: grid;
    justify-items: center;
    align-content: center;
    gap: 1em;
    flex: 1;
    padding: 2em 1.5em;
    text-align: center;
  }
  .removed-text {
    margin: 0;
    font-size: 1.1em;
    font-weight: 600;
  }
  /* The room menu's button takes the header's room: the code keeps its width, the buttons wrap
     to a second line when the header is too narrow for them all (the launcher panel). */
  header:has(.mod-toggle) {
    flex-wrap: wrap;
    row-gap: 0.25em;
  }
  header:has(.mod-toggle) .room-id {
    flex: 1 0 auto;
  }
  /* And the labels go a little earlier. */
  @container (max-width: 620px) {
    header:has(.mod-toggle) .room-label {
      display: none;
    }
    header:has(.mod-toggle) .exit .label {
      position: absolute;
      inline-size: 1px;
      block-size: 1px;
      overflow: hidden;
      clip-path: inset(50%);
    }
  }
`;
