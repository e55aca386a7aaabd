import { html, nothing, type TemplateResult } from 'lit';
import type { ReportSummary, Room } from '@roomchat/sdk';
import type { ModerationController } from '../controllers/moderation.js';
import { shieldIcon } from '../icons.js';
import { formatDuration, owns, SLOW_MODE_SECONDS } from '../moderation-rules.js';
import type { ChatStrings } from '../strings/index.js';

/**
 * The header's Moderation button and, while open, its menu (moderators and up): lock or unlock,
 * slow mode, the reports queue with Keep and Remove, and for the owner a new room code and
 * closing the room (each asked first). Up and down arrows move between its buttons, Escape closes it.
 */
export function renderModerationMenu(s: ChatStrings, room: Room, mod: ModerationController): TemplateResult | typeof nothing {
  if (!mod.shows(room)) return nothing;
  const m = s.mod;
  const state = room.moderation;
  const button = html`<button class="icon-btn mod-toggle" part="moderation-button" aria-label=${m.menu} title=${m.menu}
    aria-expanded=${mod.menuOpen ? 'true' : 'false'} aria-controls="mod-menu" @click=${mod.toggleMenu}>${shieldIcon}</button>`;
  if (!mod.menuOpen) return button;
  const slow = (seconds: number) =>
    html`<button class="chip slow" data-seconds=${seconds} aria-pressed=${state.slowModeSeconds === seconds ? 'true' : 'false'} @click=${() => mod.setSlowMode(seconds)}>
      ${seconds === 0 ? m.off : formatDuration(m, seconds)}
    </button>`;
  return html`${button}<div class="mod-menu" id="mod-menu" part="moderation-menu" role="dialog" aria-label=${m.menu} @keydown=${mod.menuKey}>
    <button class="menu-item mod-lock" aria-pressed=${state.locked ? 'true' : 'false'} @click=${() => mod.setLocked(!state.locked)}>${state.locked ? m.unlock : m.lock}</button>
    <div class="slow-modes" role="group" aria-labelledby="slow-label">
      <span id="slow-label" class="menu-label">${m.slowMode}</span>
      ${SLOW_MODE_SECONDS.map(slow)}
    </div>
    <button class="menu-item mod-reports" aria-expanded=${mod.reports ? 'true' : 'false'} @click=${() => void mod.showReports()}>${m.reports}</button>
    ${mod.reports ? renderReports(s, mod.reports, mod) : nothing}
    ${owns(room.role)
      ? html`<button class="menu-item mod-rotate" @click=${mod.askRotate}>${m.rotateCode}</button>
          ${mod.newCode ? html`<p class="new-code" role="status">${m.newCode(mod.newCode)}</p>` : nothing}
          <button class="menu-item danger mod-close" @click=${mod.askClose}>${m.closeRoom}</button>`
      : nothing}
  </div>`;
}

function renderReports(s: ChatStrings, reports: readonly ReportSummary[], mod: ModerationController): TemplateResult {
  const m = s.mod;
  if (!reports.length) return html`<p class="reports-empty">${m.noReports}</p>`;
  return html`<ul class="plain reports" aria-label=${m.reports}>
    ${reports.map(
      ({ message, reports: by, hidden }) => html`<li class="report" data-id=${message.id}>
        <p class="report-text"><strong>${message.author}</strong>: ${message.text ?? s.quotedImage}</p>
        <p class="report-meta">${m.reportCount(by.length)}${hidden ? html` · ${m.hiddenMarker}` : nothing}</p>
        <div class="report-actions">
          <button class="btn secondary keep" @click=${() => void mod.decide(message.id, 'keep')}>${m.keep}</button>
          <button class="btn danger remove" @click=${() => void mod.decide(message.id, 'remove')}>${m.remove}</button>
        </div>
      </li>`,
    )}
  </ul>`;
}
