import { css } from 'lit';

/** The composer, and the "new messages" button that floats above it. */
export const composerStyles = css`
  .new-below {
    position: absolute;
    inset-inline: 0;
    margin-inline: auto;
    inset-block-end: calc(100% + 10px);
    inline-size: max-content;
    z-index: 3;
    display: flex;
    align-items: center;
    gap: 0.4em;
    padding: 0.4em 0.9em;
    border: 0;
    border-radius: 999px;
    background: var(--_accent);
    color: var(--_accent-text);
    font-size: 0.85em;
    font-weight: 600;
    box-shadow: var(--_shadow);
  }

  form.composer {
    position: relative;
    display: flex;
    align-items: flex-end;
    gap: 0.4em;
    padding: 0.6em;
    border-block-start: 1px solid var(--_border);
    background: var(--_surface);
  }
  .input-wrap {
    flex: 1;
    min-inline-size: 0;
    display: flex;
    flex-direction: column;
  }
  textarea {
    display: block;
    inline-size: 100%;
    min-block-size: 44px;
    max-block-size: 9.5em;
    padding: 0.6em 0.9em;
    border: 1px solid var(--_border);
    border-radius: 22px;
    background: var(--_bg);
    resize: none;
    line-height: 1.4;
    field-sizing: content;
    overflow-y: auto;
  }
  textarea::placeholder {
    color: var(--_muted);
    opacity: 0.85;
  }
  textarea:focus-visible {
    border-color: var(--_accent);
  }
  textarea[aria-invalid='true'] {
    border-color: var(--_danger);
  }
  .counter,
  .composer-error {
    margin: 0.3em 0.9em 0;
    font-size: 0.78em;
  }
  .counter {
    color: var(--_muted);
    text-align: end;
  }
  .counter.over,
  .composer-error {
    color: var(--_danger);
    font-weight: 600;
  }
  .attach {
    min-inline-size: 44px;
    min-block-size: 44px;
    border-radius: 50%;
  }
  .send {
    flex: none;
    display: grid;
    place-items: center;
    inline-size: 44px;
    block-size: 44px;
    border: 0;
    border-radius: 50%;
    background: var(--_accent);
    color: var(--_accent-text);
    transition: opacity 0.15s, transform 0.1s;
  }
  .send:active:not(:disabled) {
    transform: scale(0.94);
  }
  .send:disabled {
    opacity: 0.45;
  }
`;
