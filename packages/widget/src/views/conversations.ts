import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { RoomSummary } from '@roomchat/sdk';
import { chatIcon } from '../icons.js';
import type { ChatStrings } from '../strings/index.js';

export interface ConversationsContext {
  strings: ChatStrings;
  list: readonly RoomSummary[];
  loading: boolean;
  open: boolean;
  /** The room shown now, marked current. */
  current: string;
  /** Unread messages in the other conversations, on the button. */
  unread: number;
  toggle: () => void;
  select: (code: string) => void;
  listKey: (e: KeyboardEvent) => void;
}

/** What a conversation is called: the other member of a direct one, else the room's title, key or code. */
export function conversationName(c: RoomSummary): string {
  if (c.direct) return 'userId' in c.direct ? c.direct.userId : (c.direct.name ?? c.direct.memberId);
  return c.title ?? c.key ?? c.code;
}

function lastLine(c: RoomSummary, s: ChatStrings): string {
  const last = c.lastMessage;
  if (!last) return '';
  return `${last.author}: ${last.kind === 'image' ? s.imageAlt(last.author) : (last.text ?? '')}`;
}

/** The header's Conversations button and, while open, the visitor's rooms to switch between. */
export function renderConversations(ctx: ConversationsContext): TemplateResult {
  const s = ctx.strings;
  return html`<div class="conversations-wrap">
    <button
      class="icon-btn conversations"
      part="conversations-button"
      aria-expanded=${ctx.open ? 'true' : 'false'}
      aria-controls="conversation-list"
      aria-label=${ctx.unread ? `${s.conversations}, ${s.unread(ctx.unread)}` : s.conversations}
      title=${s.conversations}
      @click=${ctx.toggle}
    >
      ${chatIcon}${ctx.unread ? html`<span class="count-badge" aria-hidden="true">${ctx.unread}</span>` : nothing}
    </button>
    ${
      ctx.open
        ? html`<div class="conversation-list" id="conversation-list" part="conversations" @keydown=${ctx.listKey}>
          <h3 id="conversations-title">${s.conversations}</h3>
          ${
            ctx.list.length === 0
              ? html`<p class="no-conversations">${ctx.loading ? '…' : s.noConversations}</p>`
              : html`<ul aria-labelledby="conversations-title" class="plain">
                ${repeat(
                  ctx.list,
                  (c) => c.code,
                  (c) => html`<li>
                    <button class="conversation" aria-current=${c.code === ctx.current ? 'true' : 'false'} data-code=${c.code} @click=${() => ctx.select(c.code)}>
                      <span class="conversation-name">${conversationName(c)}</span>
                      ${c.direct ? html`<span class="direct-mark">${s.directMessage}</span>` : nothing}
                      ${c.unread && c.code !== ctx.current ? html`<span class="count-badge unread-count" aria-label=${s.unread(c.unread)}>${c.unread}</span>` : nothing}
                      <span class="conversation-last">${lastLine(c, s)}</span>
                    </button>
                  </li>`,
                )}
              </ul>`
          }
        </div>`
        : nothing
    }
  </div>`;
}
