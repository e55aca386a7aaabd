import { css } from 'lit';

/** The quote of the message replied to, above a reply's bubble, and the highlight of an original shown from it. */
export const replyQuoteStyles = css`
  .quote {
    grid-column: 2;
    justify-self: start;
    display: flex;
    align-items: center;
    gap: 0.35em;
    max-inline-size: 100%;
    margin-block-end: 2px;
    padding: 0.2em 0.6em;
    border: 0;
    border-inline-start: 3px solid var(--_author, var(--_accent));
    border-radius: 6px;
    background: color-mix(in srgb, var(--_text) 6%, transparent);
    color: var(--_muted);
    font-size: 0.8em;
    text-align: start;
  }
  .msg.own .quote {
    grid-column: 1;
    justify-self: end;
    border-inline-start-color: var(--_accent);
  }
  .quote:hover {
    color: var(--_text);
  }
  .quote .icon {
    inline-size: 1em;
    block-size: 1em;
  }
  .quote-author {
    flex: none;
    font-weight: 700;
    color: var(--_text);
  }
  .quote-text {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .quote.gone .quote-text {
    font-style: italic;
  }
  .msg.highlight .bubble {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  .msg.highlight {
    animation: chat-flash 1.6s ease-out;
  }
  @keyframes chat-flash {
    from {
      background: color-mix(in srgb, var(--_accent) 22%, transparent);
    }
    to {
      background: transparent;
    }
  }
`;
