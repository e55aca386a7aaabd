import { css } from 'lit';

/** Reaction chips under a bubble; a pressed chip (the visitor reacted) takes the accent. */
export const reactionsStyles = css`
  .reactions {
    grid-column: 2;
    justify-self: start;
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
    margin-block-start: 3px;
  }
  .msg.own .reactions {
    grid-column: 1;
    justify-self: end;
  }
  .reaction {
    display: inline-flex;
    align-items: center;
    gap: 0.3em;
    min-block-size: 28px;
    padding: 0 0.55em;
    border: 1px solid var(--_border);
    border-radius: 999px;
    background: var(--_bg);
    color: var(--_text);
    font-size: 0.8em;
    font-variant-numeric: tabular-nums;
  }
  .reaction:hover {
    border-color: var(--_muted);
  }
  .reaction[aria-pressed='true'] {
    border-color: var(--_accent);
    background: color-mix(in srgb, var(--_accent) 14%, var(--_bg));
  }
  .reaction .emoji {
    font-size: 1.15em;
    line-height: 1;
  }
`;
