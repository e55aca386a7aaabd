import { html, type TemplateResult } from 'lit';
import type { ChatStrings } from '../strings/index.js';

export interface ExitConfirmContext {
  strings: ChatStrings;
  cancel: () => void;
  confirm: () => void;
}

/**
 * "Leave this room?" under the header, with Cancel (focused first: the safe answer) and Leave.
 * Escape cancels. Leaving is a step the visitor cannot take back without the code, so it is asked.
 */
export function renderExitConfirm(ctx: ExitConfirmContext): TemplateResult {
  const s = ctx.strings;
  const key = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    e.stopPropagation();
    ctx.cancel();
  };
  return html`<div class="exit-confirm" part="exit-confirm" role="alertdialog" aria-labelledby="exit-question" @keydown=${key}>
    <p id="exit-question">${s.exitConfirm}</p>
    <div class="exit-actions">
      <button class="btn secondary exit-cancel" @click=${ctx.cancel}>${s.cancel}</button>
      <button class="btn danger exit-yes" @click=${ctx.confirm}>${s.exitConfirmYes}</button>
    </div>
  </div>`;
}
