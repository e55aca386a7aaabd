import { html, nothing, type TemplateResult } from 'lit';
import type { ChatMessage, ReplyQuote } from '@roomchat/sdk';
import { replyIcon } from '../icons.js';
import type { ChatStrings } from '../strings/index.js';

/** What a quote says of the message replied to: its excerpt, "Image", or that it was deleted. */
export function quoteText(quote: ReplyQuote, s: ChatStrings): string {
  if (quote.deleted) return s.quotedDeleted;
  return quote.excerpt ?? s.quotedImage;
}

/**
 * The quote above a reply's bubble: the author and an excerpt of the message it answers (as that
 * message is now). A button: it scrolls to the original and highlights it, loading older history
 * if needed.
 */
export function renderReplyQuote(message: ChatMessage, s: ChatStrings, jump: (id: string) => void): TemplateResult | typeof nothing {
  const quote = message.replyTo;
  if (!quote || message.deletedAt) return nothing;
  const text = quoteText(quote, s);
  // Named by its content ("In reply to Bob: …", the prefix for screen readers only), so the name
  // holds the visible text; what activating it does is its description (title).
  return html`<button type="button" class="quote${quote.deleted ? ' gone' : ''}" part="reply-quote" title=${s.showOriginal} @click=${() => jump(quote.id)}>
    ${replyIcon}<span class="visually-hidden">${s.inReplyTo} </span><span class="quote-author">${quote.author}</span
    ><span class="visually-hidden">: </span><span class="quote-text" dir="auto">${text}</span>
  </button>`;
}
