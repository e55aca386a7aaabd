import { html, nothing, type TemplateResult } from 'lit';
import type { ChatMessage } from '@roomchat/sdk';
import { closeIcon, editIcon, replyIcon } from '../icons.js';
import type { ChatStrings } from '../strings/index.js';
import { quoteText } from './reply-quote.js';

export interface ComposeTargetContext {
  strings: ChatStrings;
  /** What the composer's next send does to another message, if anything. */
  kind: 'reply' | 'edit' | null;
  /** The message replied to or edited, as it is now (undefined once it left the loaded history). */
  message: ChatMessage | undefined;
  cancel: () => void;
}

/**
 * The bar above the composer while the visitor replies to a message ("Replying to Ann" and an
 * excerpt) or edits one of theirs, with a button to cancel (Escape in the input does the same).
 */
export function renderComposeTarget(ctx: ComposeTargetContext): TemplateResult | typeof nothing {
  const s = ctx.strings;
  const m = ctx.message;
  if (!ctx.kind || !m) return nothing;
  const reply = ctx.kind === 'reply';
  const excerpt = reply ? quoteText({ id: m.id, author: m.author, ...(m.text === undefined ? {} : { excerpt: m.text }), ...(m.deletedAt ? { deleted: true } : {}) }, s) : (m.text ?? '');
  const label = reply ? s.cancelReply : s.cancelEdit;
  return html`<div class="compose-target ${ctx.kind}" part="compose-target" id="compose-target">
    ${reply ? replyIcon : editIcon}
    <div class="target-text">
      <span class="target-title">${reply ? s.replyingTo(m.author) : s.editing}</span>
      <span class="target-excerpt" dir="auto">${excerpt}</span>
    </div>
    <button type="button" class="icon-btn cancel-target" aria-label=${label} title=${label} @click=${ctx.cancel}>${closeIcon}</button>
  </div>`;
}
