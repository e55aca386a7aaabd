import { html, nothing, type TemplateResult } from 'lit';
import type { ConfirmController } from '../controllers/confirm.js';
import type { ChatStrings } from '../strings/index.js';

/** A moderator's question (controllers/confirm.ts) under the header, with Cancel first, like "Leave this room?". */
export function renderConfirm(s: ChatStrings, confirm: ConfirmController): TemplateResult | typeof nothing {
  const q = confirm.asking;
  if (!q) return nothing;
  return html`<div class="exit-confirm mod-confirm" part="mod-confirm" role="alertdialog" aria-modal="true" aria-labelledby="mod-question" @keydown=${confirm.key}>
    <p id="mod-question">${q.text}</p>
    <div class="exit-actions">
      <button class="btn secondary confirm-no" @click=${confirm.cancel}>${s.cancel}</button>
      <button class="btn ${q.danger ? 'danger' : 'primary'} confirm-yes" @click=${confirm.yes}>${q.yes}</button>
    </div>
  </div>`;
}
