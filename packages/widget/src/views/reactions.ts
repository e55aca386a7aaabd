import { html, nothing, type TemplateResult } from 'lit';
import type { ChatMessage } from '@roomchat/sdk';
import type { ChatStrings } from '../strings/index.js';

/**
 * The reactions under a bubble: one chip per emoji with its count, pressed (`aria-pressed`) when
 * the visitor is one of those who reacted; pressing a chip adds or takes back the visitor's own.
 */
export function renderReactions(message: ChatMessage, s: ChatStrings, toggle: (message: ChatMessage, emoji: string) => void): TemplateResult | typeof nothing {
  const reactions = message.reactions ?? [];
  if (!reactions.length || message.deletedAt) return nothing;
  return html`<div class="reactions" part="reactions">
    ${reactions.map(
      (r) => html`<button type="button" class="reaction" part="reaction" aria-pressed=${r.mine ? 'true' : 'false'}
        aria-label=${s.reactionLabel(r.emoji, r.count)} @click=${() => toggle(message, r.emoji)}>
        <span class="emoji" aria-hidden="true">${r.emoji}</span><span class="count" aria-hidden="true">${r.count}</span>
      </button>`,
    )}
  </div>`;
}
