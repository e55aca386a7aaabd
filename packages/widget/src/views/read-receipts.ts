import { html, nothing, type TemplateResult } from 'lit';
import type { ChatStrings } from '../strings/index.js';

/** "New messages": the line above the first message that was unread when the visitor opened or came back to the room. */
export function renderUnreadDivider(s: ChatStrings): TemplateResult {
  return html`<li class="unread-divider" part="unread-divider"><span>${s.unreadDivider}</span></li>`;
}

/** "Seen by Ann" under the visitor's last message; nothing until someone has read it. */
export function renderSeen(text: string): TemplateResult | typeof nothing {
  return text ? html`<div class="seen" part="seen">${text}</div>` : nothing;
}
