import { css } from 'lit';

/** The invite menu: the link, its buttons and its QR code. */
export const inviteMenuStyles = css`
  /* A sheet under the header, like the exit question. */
  .invite-menu {
    position: absolute;
    inset-inline: 0;
    inset-block-start: 100%;
    display: grid;
    gap: 0.6em;
    justify-items: start;
    padding: 0.75em 1em;
    border-block-end: 1px solid var(--_border);
    background: var(--_surface);
    box-shadow: var(--_shadow);
  }
  .invite-link {
    box-sizing: border-box;
    inline-size: 100%;
    padding: 0.45em 0.6em;
    border: 1px solid var(--_border);
    border-radius: 8px;
    background: var(--_bg);
    color: var(--_text);
    font: inherit;
    font-size: 0.9em;
  }
  .invite-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
  }
  .invite-actions .btn {
    display: inline-flex;
    align-items: center;
    gap: 0.4em;
  }
  .qr {
    inline-size: 168px;
    block-size: 168px;
    justify-self: center;
    border-radius: 6px;
  }
`;
