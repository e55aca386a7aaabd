import { html, type TemplateResult } from 'lit';
import type { Member } from '@roomchat/sdk';
import type { ChatStrings } from '../strings/index.js';

/**
 * "Ann is typing…" over the bottom of the list. Always rendered, empty when nobody types: a live
 * region must be in the page before its text changes for screen readers to announce the change.
 */
export function renderTyping(s: ChatStrings, typing: readonly Member[]): TemplateResult {
  return html`<div class="typing-anchor">
    <div class="typing${typing.length ? ' on' : ''}" part="typing" role="status">${s.typing(typing.map((m) => m.name))}</div>
  </div>`;
}
