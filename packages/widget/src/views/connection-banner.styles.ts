import { css } from 'lit';

/** The line under the header while the connection is down. */
export const connectionBannerStyles = css`
  .banner {
    display: flex;
    align-items: center;
    gap: 0.5em;
    padding: 0.45em 1em;
    background: var(--_warning-bg);
    color: var(--_warning-text);
    font-size: 0.85em;
    font-weight: 500;
  }
  .spinner {
    inline-size: 0.9em;
    block-size: 0.9em;
    border: 2px solid currentColor;
    border-inline-end-color: transparent;
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
`;
