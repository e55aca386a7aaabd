import { css } from 'lit';

/** The dialog that shows an image full size. */
export const lightboxStyles = css`
  dialog {
    max-inline-size: 100vw;
    max-block-size: 100vh;
    padding: 0;
    border: 0;
    background: transparent;
    color: #fff;
    overflow: visible;
  }
  dialog::backdrop {
    background: rgb(8 10 16 / 0.86);
  }
  dialog img {
    display: block;
    max-inline-size: min(calc(100vw - 32px), 1400px);
    max-block-size: calc(100vh - 96px);
    margin: 0 auto;
    border-radius: 10px;
    box-shadow: 0 20px 60px rgb(0 0 0 / 0.5);
  }
  .dialog-bar {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 1em;
    padding: 0 0 0.5em;
    font-size: 0.9em;
  }
  .dialog-bar a,
  .dialog-bar .icon-btn {
    display: inline-flex;
    align-items: center;
    gap: 0.4em;
    color: #fff;
    font-weight: 600;
    text-decoration: none;
    border-radius: 8px;
  }
  .dialog-bar .icon-btn:hover {
    background: rgb(255 255 255 / 0.14);
  }
`;
