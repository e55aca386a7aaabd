import { html, nothing, type TemplateResult } from 'lit';
import type { ChatMessage } from '@roomchat/sdk';
import { alertIcon, copyIcon, editIcon, replyIcon, smileIcon, trashIcon } from '../icons.js';
import type { ChatStrings } from '../strings/index.js';

/** The quick reactions the picker offers: a fixed, small set, so no emoji library is needed. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🎉'] as const;

/** What a message's toolbar shows beyond its buttons: nothing more, the reaction picker, or the delete confirmation. */
export type ActionsPanel = 'toolbar' | 'picker' | 'confirm' | 'report';

/** The reasons a report offers (sent as the report's reason). */
export const REPORT_REASONS = ['spam', 'abuse', 'other'] as const;

/** The state and handlers of the message toolbars (controllers/message-actions.ts implements it). */
export interface MessageActionsContext {
  /** The message whose toolbar is held open (long-press, picker, confirmation), and what it shows. */
  readonly open: { id: string; panel: ActionsPanel } | null;
  reply(message: ChatMessage): void;
  edit(message: ChatMessage): void;
  copy(message: ChatMessage): void;
  togglePicker(message: ChatMessage): void;
  toggleReaction(message: ChatMessage, emoji: string): void;
  askDelete(message: ChatMessage): void;
  confirmDelete(message: ChatMessage): void;
  /** Whether the visitor may delete others' messages (moderators and up). */
  readonly moderates: boolean;
  /** The reason picked in the report panel. */
  readonly reportReason: string;
  askReport(message: ChatMessage): void;
  pickReason(reason: string): void;
  confirmReport(message: ChatMessage): void;
  /** Closes the picker or confirmation and puts focus back on the toolbar. */
  dismiss(message: ChatMessage): void;
  /** Arrow keys move between the toolbar's buttons (one tab stop: roving tabindex). */
  toolbarKey(e: KeyboardEvent): void;
  /** Escape in the picker or confirmation. */
  panelKey(e: KeyboardEvent, message: ChatMessage): void;
}

/**
 * A message's actions: a toolbar (one tab stop, arrow keys inside) shown on hover, keyboard focus
 * and long-press, with Reply, React, and for the visitor's own messages Edit and Delete, and Copy
 * for text; Report on others' messages, and for moderators Delete on them too. React opens a row
 * of quick reactions; Delete asks first; Report asks why. Deleted messages have none.
 */
export function renderMessageActions(message: ChatMessage, own: boolean, s: ChatStrings, ctx: MessageActionsContext): TemplateResult | typeof nothing {
  if (message.deletedAt) return nothing;
  const panel = ctx.open?.id === message.id ? ctx.open.panel : null;
  const text = message.kind === 'text';
  if (panel === 'confirm') {
    const id = `confirm-${message.id}`;
    return html`<div class="actions confirm" part="message-actions" role="group" aria-labelledby=${id} @keydown=${(e: KeyboardEvent) => ctx.panelKey(e, message)}>
      <span id=${id} class="confirm-text">${s.deleteConfirm}</span>
      <button type="button" class="action-btn danger confirm-delete" @click=${() => ctx.confirmDelete(message)}>${trashIcon}${s.delete}</button>
      <button type="button" class="action-btn cancel-delete" @click=${() => ctx.dismiss(message)}>${s.cancel}</button>
    </div>`;
  }
  if (panel === 'report') return renderReport(message, s, ctx);
  const button = (cls: string, label: string, icon: TemplateResult, act: () => void, first = false, pressed?: boolean) =>
    html`<button type="button" class="action-btn ${cls}" tabindex=${first ? '0' : '-1'} aria-label=${label} title=${label}
      aria-expanded=${pressed === undefined ? nothing : String(pressed)} @click=${act}>${icon}</button>`;
  return html`<div class="actions${panel ? ' held' : ''}" part="message-actions">
    <div class="toolbar" role="toolbar" aria-label=${s.messageActions(message.author)} @keydown=${ctx.toolbarKey}>
      ${button('reply', s.reply, replyIcon, () => ctx.reply(message), true)}
      ${button('react', s.react, smileIcon, () => ctx.togglePicker(message), false, panel === 'picker')}
      ${own && text ? button('edit', s.edit, editIcon, () => ctx.edit(message)) : nothing}
      ${text ? button('copy', s.copyText, copyIcon, () => ctx.copy(message)) : nothing}
      ${own || ctx.moderates ? button('delete', s.delete, trashIcon, () => ctx.askDelete(message)) : nothing}
      ${own ? nothing : button('report', s.mod.report, alertIcon, () => ctx.askReport(message))}
    </div>
    ${panel === 'picker' ? renderPicker(message, s, ctx) : nothing}
  </div>`;
}

function renderPicker(message: ChatMessage, s: ChatStrings, ctx: MessageActionsContext): TemplateResult {
  const mine = new Set((message.reactions ?? []).filter((r) => r.mine).map((r) => r.emoji));
  return html`<div class="picker" part="reaction-picker" role="group" aria-label=${s.reactionPicker} @keydown=${(e: KeyboardEvent) => ctx.panelKey(e, message)}>
    ${QUICK_REACTIONS.map(
      (emoji) => html`<button type="button" class="pick" aria-label=${s.reactWith(emoji)} aria-pressed=${mine.has(emoji) ? 'true' : 'false'}
        @click=${() => ctx.toggleReaction(message, emoji)}>${emoji}</button>`,
    )}
  </div>`;
}

/** "Why are you reporting this message?": a reason to pick (radio buttons), then Report or Cancel. */
function renderReport(message: ChatMessage, s: ChatStrings, ctx: MessageActionsContext): TemplateResult {
  const id = `report-${message.id}`;
  const labels: Record<(typeof REPORT_REASONS)[number], string> = { spam: s.mod.reasonSpam, abuse: s.mod.reasonAbuse, other: s.mod.reasonOther };
  return html`<div class="actions confirm report-panel" part="message-actions" role="group" aria-labelledby=${id} @keydown=${(e: KeyboardEvent) => ctx.panelKey(e, message)}>
    <span id=${id} class="confirm-text">${s.mod.reportQuestion}</span>
    <div class="reasons" role="radiogroup" aria-labelledby=${id}>
      ${REPORT_REASONS.map(
        (reason) => html`<label class="reason"><input type="radio" name=${`reason-${message.id}`} value=${reason} .checked=${ctx.reportReason === reason}
          @change=${() => ctx.pickReason(reason)} />${labels[reason]}</label>`,
      )}
    </div>
    <button type="button" class="action-btn danger confirm-report" @click=${() => ctx.confirmReport(message)}>${alertIcon}${s.mod.report}</button>
    <button type="button" class="action-btn cancel-report" @click=${() => ctx.dismiss(message)}>${s.cancel}</button>
  </div>`;
}
