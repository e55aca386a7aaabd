import { html, nothing, type TemplateResult } from 'lit';
import type { RemovalReason, Room } from '@roomchat/sdk';
import type { ModerationController } from '../controllers/moderation.js';
import { formatTime } from '../format.js';
import { alertIcon } from '../icons.js';
import type { ChatStrings } from '../strings/index.js';

/** Above the composer: "You are muted until 14:05" (the composer is disabled meanwhile), or slow mode's wait after a refused send. */
export function renderModerationNotice(s: ChatStrings, room: Room, mod: ModerationController, locale: string | undefined): TemplateResult | typeof nothing {
  const muted = mod.mutedUntil(room);
  if (muted) return html`<p class="mod-notice muted" part="mod-notice" role="status">${alertIcon}<span>${s.mod.mutedUntil(formatTime(muted, locale))}</span></p>`;
  const wait = mod.slowWait;
  if (wait) return html`<p class="mod-notice slow" part="mod-notice" role="status">${s.mod.slowWait(wait)}</p>`;
  return nothing;
}

/**
 * The room as a visitor taken out of it sees it: kicked, banned or the room closed, said plainly,
 * with a way back to the start (where a new join of a banned room says so again).
 */
export function renderRemoved(s: ChatStrings, reason: RemovalReason, back: () => void): TemplateResult {
  return html`<section class="removed" part="removed" role="alert" aria-labelledby="removed-text">
    ${alertIcon}
    <p id="removed-text" class="removed-text">${s.mod[reason]}</p>
    <button class="btn primary back-home" @click=${back}>${s.mod.backHome}</button>
  </section>`;
}
