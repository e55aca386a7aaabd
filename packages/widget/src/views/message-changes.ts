import { html, nothing, type TemplateResult } from 'lit';
import type { ChatMessage } from '@roomchat/sdk';
import { formatTime } from '../format.js';
import type { ChatStrings } from '../strings/index.js';

/** A deleted message's bubble: a tombstone in place of its text or image, which the server erased. */
export function renderTombstone(s: ChatStrings): TemplateResult {
  return html`<div class="bubble deleted" part="bubble deleted-bubble">${s.deleted}</div>`;
}

/** "(edited)" after an edited message, with the time of the edit in its tooltip and `datetime`. */
export function renderEdited(message: ChatMessage, s: ChatStrings, locale: string | undefined): TemplateResult | typeof nothing {
  if (!message.editedAt || message.deletedAt) return nothing;
  const at = s.editedAt(formatTime(message.editedAt, locale));
  return html`<time class="edited" part="edited" datetime=${message.editedAt} title=${at}>${s.edited}<span class="visually-hidden"> ${at}</span></time>`;
}
