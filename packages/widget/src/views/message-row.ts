import { html, nothing, type TemplateResult } from 'lit';
import type { ChatError, ChatMessage } from '@roomchat/sdk';
import { formatDay, formatTime, thumbSize } from '../format.js';
import { alertIcon, imageIcon, retryIcon } from '../icons.js';
import type { OutgoingMessage } from '../outgoing.js';
import type { ChatStrings } from '../strings/index.js';
import { initial, type TimelineRow } from '../timeline.js';
import { renderMessageActions, type MessageActionsContext } from './message-actions.js';
import { renderEdited, renderTombstone } from './message-changes.js';
import { renderReactions } from './reactions.js';
import { renderSeen, renderUnreadDivider } from './read-receipts.js';
import { renderReplyQuote } from './reply-quote.js';

/** What a row needs from the element: its strings and locale, and the actions rows offer. */
export interface RowContext {
  strings: ChatStrings;
  locale: string | undefined;
  errorText(error: ChatError): string;
  openImage(message: ChatMessage): void;
  retry(clientId: string): void;
  discard(clientId: string): void;
  conversation: ConversationRowContext;
}

/** What a message row shows of the conversation around it (controllers/message-actions.ts, read-receipts.ts, jump.ts). */
export interface ConversationRowContext {
  actions: MessageActionsContext;
  /** Shows the message a quote refers to. */
  jump(id: string): void;
  /** The message just shown from a quote. */
  highlighted: string | null;
  /** The seq of the first message under the "New messages" divider. */
  unreadFrom: number | null;
  /** "Seen by" under the visitor's last message. */
  seen: { id: string; text: string } | null;
}

/**
 * One row of the message list: a day separator, a join/leave line, a message, or one of the
 * visitor's messages on its way. Names and texts are bound as text, never as HTML.
 */
export function renderRow(row: TimelineRow, ctx: RowContext): TemplateResult {
  const s = ctx.strings;
  switch (row.type) {
    case 'day':
      return html`<li class="day">${formatDay(row.date, ctx.locale)}</li>`;
    case 'system': {
      const m = row.message;
      const text = m.kind === 'join' ? s.joined(m.author) : s.left(m.author);
      return html`<li class="system" part="message system-message" data-seq=${m.seq}>
        <span class="system-text">${text}</span><time datetime=${m.createdAt}>${formatTime(m.createdAt, ctx.locale)}</time>
      </li>`;
    }
    case 'message': {
      const m = row.message;
      const c = ctx.conversation;
      const deleted = Boolean(m.deletedAt);
      const classes = `msg c${row.color}${row.own ? ' own' : ''}${row.startsGroup ? ' first' : ''}${c.highlighted === m.id ? ' highlight' : ''}`;
      const time = formatTime(m.createdAt, ctx.locale);
      const box = m.image && thumbSize(m.image);
      return html`${c.unreadFrom === m.seq ? renderUnreadDivider(s) : nothing}<li class=${classes} part=${row.own ? 'message own-message' : 'message'} data-seq=${m.seq} data-id=${m.id} tabindex="-1">
        ${row.own ? nothing : html`<span class="avatar" aria-hidden="true">${initial(m.author)}</span>`}
        ${row.startsGroup
          ? html`<div class="msg-head">
              ${row.own ? html`<span class="visually-hidden">${m.author}</span>` : html`<span class="author">${m.author}</span>`}
              <time class="time" datetime=${m.createdAt}>${time}</time>
            </div>`
          : html`<span class="visually-hidden">${m.author}, ${time}: </span>`}
        ${renderReplyQuote(m, s, c.jump)}
        ${deleted
          ? renderTombstone(s)
          : m.kind === 'image' && m.image && box
          ? html`<div class="bubble image" part="bubble">
              <button class="thumb" aria-label=${`${s.openImage}: ${s.imageAlt(m.author)}`} @click=${() => ctx.openImage(m)}>
                <img src=${m.image.thumbUrl} alt=${s.imageAlt(m.author)} width=${box.width} height=${box.height} loading="lazy" decoding="async" />
              </button>
            </div>`
          : html`<div class="bubble" part="bubble">${m.text ?? ''}</div>`}
        ${renderEdited(m, s, ctx.locale)} ${renderReactions(m, s, c.actions.toggleReaction)}
        ${c.seen?.id === m.id ? renderSeen(c.seen.text) : nothing} ${renderMessageActions(m, row.own, s, c.actions)}
      </li>`;
    }
    case 'pending':
      return renderPending(row.item, row.startsGroup, ctx);
  }
}

function renderPending(item: OutgoingMessage, startsGroup: boolean, ctx: RowContext): TemplateResult {
  const s = ctx.strings;
  const failed = item.status === 'failed';
  const percent = Math.round(item.progress * 100);
  const classes = `msg own ${failed ? 'failed' : 'pending'}${startsGroup ? ' first' : ''}`;
  return html`<li class=${classes} part="message own-message pending-message" data-client-id=${item.clientId} aria-busy=${failed ? 'false' : 'true'}>
    ${item.kind === 'image' && !item.previewUrl
      ? html`<div class="bubble" part="bubble">${imageIcon}</div>`
      : item.kind === 'image'
      ? html`<div class="bubble image preview" part="bubble">
          <img src=${item.previewUrl} alt="" />
          ${failed ? nothing : html`<progress max="100" .value=${percent} aria-label=${s.uploading(percent)}></progress>`}
        </div>`
      : html`<div class="bubble" part="bubble">${item.text ?? ''}</div>`}
    ${failed
      ? html`<div class="status failed" role="alert">
          ${alertIcon}<span>${s.failed} ${item.error ? ctx.errorText(item.error) : ''}</span>
          <button class="link-btn retry" @click=${() => ctx.retry(item.clientId)}>${retryIcon}${s.retry}</button>
          <button class="link-btn discard" @click=${() => ctx.discard(item.clientId)}>${s.discard}</button>
        </div>`
      : html`<div class="status">${item.kind === 'image' && !item.imageId ? s.uploading(percent) : s.sending}</div>`}
  </li>`;
}
