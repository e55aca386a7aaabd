import { css } from 'lit';

/** The search box under the room header and its results. */
export const searchStyles = css`
  .search {
    position: absolute;
    z-index: 3;
    inset-inline: 0;
    inset-block-start: 100%;
    max-block-size: 18em;
    display: flex;
    flex-direction: column;
    border-block-end: 1px solid var(--_border);
    background: var(--_surface);
    box-shadow: var(--_shadow);
  }
  .search-bar {
    display: flex;
    align-items: center;
    gap: 0.25em;
    padding: 0.5em 0.6em 0.25em 1em;
  }
  .search-input {
    flex: 1;
    min-inline-size: 0;
    font: inherit;
    padding: 0.4em 0.6em;
    border: 1px solid var(--_border);
    border-radius: 0.5em;
    background: var(--_bg, transparent);
    color: inherit;
  }
  .search-status {
    margin: 0;
    padding-inline: 1em;
    color: var(--_muted);
    font-size: 0.85em;
  }
  .search-status:empty {
    display: none;
  }
  .search-results {
    list-style: none;
    margin: 0;
    padding: 0.25em 0;
    overflow-y: auto;
  }
  .search-result {
    display: flex;
    flex-direction: column;
    inline-size: 100%;
    padding: 0.4em 1em;
    border: 0;
    background: none;
    color: inherit;
    font: inherit;
    text-align: start;
    cursor: pointer;
  }
  .search-result:hover,
  .search-result:focus-visible {
    background: var(--_hover, rgb(0 0 0 / 0.05));
  }
  .search-meta {
    color: var(--_muted);
    font-size: 0.8em;
  }
  .search-text {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
`;
