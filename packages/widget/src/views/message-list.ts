import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { ChatMessage, ModerationEntry, Room } from '@roomchat/sdk';
import { imageIcon } from '../icons.js';
import type { ChatStrings } from '../strings/index.js';
import { buildTimeline, type PendingItem } from '../timeline.js';
import { renderRow, type RowContext } from './message-row.js';

/** Handlers for images dragged over the list (dropped ones are sent). */
export interface DropHandlers {
  dragenter: (e: DragEvent) => void;
  dragover: (e: DragEvent) => void;
  dragleave: (e: DragEvent) => void;
  drop: (e: DragEvent) => void;
}

export interface MessageListContext {
  strings: ChatStrings;
  room: Room;
  /** The visitor's sends not stored yet, shown after the stored messages. */
  pending: readonly PendingItem[];
  loadingOlder: boolean;
  /** The room's moderation entries, shown as lines among the messages. */
  moderation: readonly ModerationEntry[];
  /** Whether files are being dragged over the list. */
  dragging: boolean;
  row: RowContext;
  scroll: () => void;
  loadOlder: () => void;
  drag: DropHandlers;
}

/**
 * The message list: a `log` region with the history edge at the top, then one row per day,
 * join/leave line, message and pending send. Rows are keyed, so each keeps its element (and
 * focus) while older messages load above it.
 */
export function renderMessageList(ctx: MessageListContext): TemplateResult {
  const s = ctx.strings;
  const room = ctx.room;
  const drag = ctx.drag;
  return html`<div
        class="messages"
        part="messages"
        role="log"
        aria-live="polite"
        aria-relevant="additions"
        aria-label=${s.messagesLabel}
        tabindex="0"
        @scroll=${ctx.scroll}
        @dragenter=${drag.dragenter}
        @dragover=${drag.dragover}
        @dragleave=${drag.dragleave}
        @drop=${drag.drop}
      >
        ${renderHistoryEdge(ctx)}
        <ol>
          ${repeat(
            buildTimeline(room.messages, ctx.pending, room.self.id, ctx.moderation),
            (row) => row.key,
            (row) => renderRow(row, ctx.row),
          )}
        </ol>
        ${quiet(room.messages) && !ctx.pending.length && !room.hasMore ? html`<p class="empty">${s.empty}</p>` : nothing}
      </div>
      ${ctx.dragging ? html`<div class="drop-zone" aria-hidden="true"><div>${imageIcon}${s.dropImage}</div></div>` : nothing}`;
}

/** No one has said anything yet: the log holds join and leave lines at most (the visitor's own join line is always there). */
function quiet(messages: readonly ChatMessage[]): boolean {
  return messages.every((m) => m.kind === 'join' || m.kind === 'leave');
}

/** The top of the list: loading, a button for older messages, or the start of the room. */
function renderHistoryEdge(ctx: MessageListContext): TemplateResult | typeof nothing {
  const s = ctx.strings;
  if (ctx.loadingOlder) return html`<div class="history-edge">${s.loadingOlder}</div>`;
  if (ctx.room.hasMore) {
    return html`<div class="history-edge"><button class="link-btn load-older" @click=${ctx.loadOlder}>${s.loadOlder}</button></div>`;
  }
  if (ctx.room.messages.length > 0) return html`<div class="history-edge">${s.beginning}</div>`;
  return nothing;
}
