import { css } from 'lit';

/** The home view: name, room code, Join and Create. */
export const homeStyles = css`
  .home {
    flex: 1;
    display: flex;
    flex-direction: column;
    justify-content: center;
    overflow-y: auto;
    padding: clamp(20px, 6%, 40px);
    background:
      radial-gradient(120% 60% at 50% 0%, color-mix(in srgb, var(--_accent) 12%, transparent), transparent 70%),
      var(--_bg);
  }
  .home-inner {
    inline-size: 100%;
    max-inline-size: 360px;
    margin: 0 auto;
  }
  .brand {
    display: flex;
    align-items: center;
    gap: 0.75em;
    margin-block-end: 1.5em;
  }
  .logo {
    display: grid;
    place-items: center;
    inline-size: 48px;
    block-size: 48px;
    border-radius: 14px;
    background: var(--_accent);
    color: var(--_accent-text);
    box-shadow: 0 6px 16px color-mix(in srgb, var(--_accent) 35%, transparent);
  }
  .logo .icon {
    inline-size: 26px;
    block-size: 26px;
  }
  h2 {
    margin: 0;
    font-size: 1.45em;
    line-height: 1.2;
    letter-spacing: -0.01em;
  }
  .subtitle {
    margin: 0.2em 0 0;
    color: var(--_muted);
    font-size: 0.92em;
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: 0.35em;
    margin-block-end: 1em;
  }
  label {
    font-size: 0.85em;
    font-weight: 600;
  }
  .field input {
    inline-size: 100%;
    min-block-size: 44px;
    padding: 0.6em 0.85em;
    border: 1px solid var(--_border);
    border-radius: 12px;
    background: var(--_bg);
    transition: border-color 0.15s;
  }
  .field input::placeholder {
    color: var(--_muted);
    opacity: 0.85;
  }
  .field input:focus-visible {
    border-color: var(--_accent);
  }
  .field input[aria-invalid='true'] {
    border-color: var(--_danger);
  }
  .code-input {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    letter-spacing: 0.08em;
    text-transform: uppercase;
  }
  .code-input::placeholder {
    text-transform: none;
    letter-spacing: normal;
    font-family: var(--_font);
  }
  .join-row {
    display: flex;
    gap: 0.5em;
  }
  .join-row input {
    flex: 1;
    min-inline-size: 0;
  }
  .divider {
    display: flex;
    align-items: center;
    gap: 0.75em;
    margin: 0.5em 0 1.25em;
    color: var(--_muted);
    font-size: 0.85em;
  }
  .divider::before,
  .divider::after {
    content: '';
    flex: 1;
    border-block-start: 1px solid var(--_border);
  }
  .create {
    inline-size: 100%;
  }
  .form-error {
    display: flex;
    gap: 0.5em;
    align-items: flex-start;
    margin: 0 0 1em;
    padding: 0.65em 0.8em;
    border-radius: 10px;
    background: color-mix(in srgb, var(--_danger) 10%, transparent);
    color: var(--_danger);
    font-size: 0.9em;
  }
`;
