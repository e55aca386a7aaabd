import { html, nothing, type TemplateResult } from 'lit';
import type { ChatError, ChatMessage, Member } from '@roomchat/sdk';
import { formatDay, formatTime, thumbSize } from '../format.js';
import { alertIcon, imageIcon, retryIcon } from '../icons.js';
import type { MentionName } from '../message-format.js';
import type { ChatStrings } from '../strings/index.js';
import type { PendingItem, TimelineRow } from '../timeline.js';
import { renderAvatar, renderVerified } from './members.js';
import { renderMessageActions, type MessageActionsContext } from './message-actions.js';
import { renderEdited, renderTombstone } from './message-changes.js';
import { renderMessageText } from './message-text.js';
import { renderReactions } from './reactions.js';
import { renderSeen, renderUnreadDivider } from './read-receipts.js';
import { renderReplyQuote } from './reply-quote.js';
import { moderationText, systemText } from './system-text.js';

/** What a row needs from the element: its strings and locale, and the actions rows offer. */
export interface RowContext {
  strings: ChatStrings;
  locale: string | undefined;
  errorText(error: ChatError): string;
  openImage(message: ChatMessage): void;
  /** The members a message mentions, to highlight their `@name`. */
  mentions(message: ChatMessage): MentionName[];
  /** The present member who wrote the message, for a verified author's mark and picture. */
  author(message: ChatMessage): Member | undefined;
  retry(clientId: string): void;
  discard(clientId: string): void;
  conversation: ConversationRowContext;
  /** Whether the visitor moderates: it sees hidden messages whole, marked hidden. */
  moderates: boolean;
  /** A member's name by id, for moderation lines (also once it left). */
  memberName(id: string | undefined): string;
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
      const m = row.messages.at(-1)!;
      return html`<li class="system" part="message system-message" data-seq=${m.seq}>
        <span class="system-text">${systemText(row.messages, ctx.strings, ctx.locale)}</span><time datetime=${m.createdAt}>${formatTime(m.createdAt, ctx.locale)}</time>
      </li>`;
    }
    case 'moderation': {
      const e = row.entry;
      return html`<li class="system moderation" part="message system-message" data-seq=${e.seq} data-action=${e.action}>
        <span class="system-text">${moderationText(e, s, ctx.memberName)}</span><time datetime=${e.createdAt}>${formatTime(e.createdAt, ctx.locale)}</time>
      </li>`;
    }
    case 'message': {
      const m = row.message;
      const c = ctx.conversation;
      const deleted = Boolean(m.deletedAt);
      const classes = `msg c${row.color}${row.own ? ' own' : ''}${row.startsGroup ? ' first' : ''}${c.highlighted === m.id ? ' highlight' : ''}`;
      const time = formatTime(m.createdAt, ctx.locale);
      const author = ctx.author(m);
      const box = m.image && thumbSize(m.image);
      return html`${c.unreadFrom === m.seq ? renderUnreadDivider(s) : nothing}<li class=${classes} part=${row.own ? 'message own-message' : 'message'} data-seq=${m.seq} data-id=${m.id} tabindex="-1">
        ${row.own ? nothing : renderAvatar({ name: m.author, avatarUrl: author?.avatarUrl })}
        ${row.startsGroup
          ? html`<div class="msg-head">
              ${row.own ? html`<span class="visually-hidden">${m.author}</span>` : html`<span class="author">${m.author}</span>`}${author?.verified ? renderVerified(s) : nothing}
              <time class="time" datetime=${m.createdAt}>${time}</time>
            </div>`
          : html`<span class="visually-hidden">${m.author}, ${time}: </span>`}
        ${renderReplyQuote(m, s, c.jump)}
        ${deleted
          ? renderTombstone(s)
          : m.hidden && (!ctx.moderates || (m.text === undefined && !m.image))
          ? html`<div class="bubble deleted hidden-msg" part="bubble hidden-bubble">${s.mod.hidden}</div>`
          : m.kind === 'image' && m.image && box
          ? html`<div class="bubble image" part="bubble">
              <button class="thumb" aria-label=${`${s.openImage}: ${s.imageAlt(m.author)}`} @click=${() => ctx.openImage(m)}>
                <img src=${m.image.thumbUrl} alt=${s.imageAlt(m.author)} width=${box.width} height=${box.height} loading="lazy" decoding="async" />
              </button>
            </div>`
          : html`<div class="bubble" part="bubble" dir="auto">${renderMessageText(m, ctx.mentions(m))}</div>`}
        ${m.hidden && ctx.moderates && (m.text !== undefined || m.image) ? html`<span class="hidden-marker" part="hidden-marker">(${s.mod.hiddenMarker})</span>` : nothing}
        ${renderEdited(m, s, ctx.locale)} ${renderReactions(m, s, c.actions.toggleReaction)}
        ${c.seen?.id === m.id ? renderSeen(c.seen.text) : nothing} ${m.hidden && !ctx.moderates ? nothing : renderMessageActions(m, row.own, s, c.actions)}
      </li>`;
    }
    case 'pending':
      return renderPending(row.item, row.startsGroup, ctx);
  }
}

function renderPending({ send, previewUrl }: PendingItem, startsGroup: boolean, ctx: RowContext): TemplateResult {
  const s = ctx.strings;
  const failed = send.status === 'failed';
  const percent = Math.round(send.progress * 100);
  const classes = `msg own ${failed ? 'failed' : 'pending'}${startsGroup ? ' first' : ''}`;
  return html`<li class=${classes} part="message own-message pending-message" data-client-id=${send.clientId} aria-busy=${failed ? 'false' : 'true'}>
    ${send.kind === 'image' && !previewUrl
      ? html`<div class="bubble" part="bubble">${imageIcon}</div>`
      : send.kind === 'image'
      ? html`<div class="bubble image preview" part="bubble">
          <img src=${previewUrl} alt="" />
          ${send.status === 'uploading' ? html`<progress max="100" .value=${percent} aria-label=${s.uploading(percent)}></progress>` : nothing}
        </div>`
      : html`<div class="bubble" part="bubble" dir="auto">${renderMessageText(send)}</div>`}
    ${failed
      ? html`<div class="status failed" role="alert">
          ${alertIcon}<span>${s.failed} ${send.error ? ctx.errorText(send.error) : ''}</span>
          <button class="link-btn retry" @click=${() => ctx.retry(send.clientId)}>${retryIcon}${s.retry}</button>
          <button class="link-btn discard" @click=${() => ctx.discard(send.clientId)}>${s.discard}</button>
        </div>`
      : html`<div class="status">${send.status === 'uploading' ? s.uploading(percent) : s.sending}</div>`}
  </li>`;
}
