import { html, nothing, svg, type TemplateResult } from 'lit';
import { checkIcon, copyIcon, qrIcon } from '../icons.js';
import type { InviteContext } from './invite.js';

// Loaded on the first click on the invite button (late-part.ts).
export { inviteMenuStyles as styles } from './invite-menu.styles.js';

/** The invite menu: the link, "Copy invite link", and its QR code. */
export function renderInviteMenu(ctx: InviteContext): TemplateResult {
  const { strings: s, code, invite } = ctx;
  const link = invite.link(code);
  const qr = invite.qr;
  return html`<div class="invite-menu" id="invite-menu" part="invite-menu" role="dialog" aria-label=${s.invite} @keydown=${invite.menuKey}>
      <input class="invite-link" readonly aria-label=${s.invite} .value=${link} />
      <div class="invite-actions">
        <button class="btn secondary copy-invite" @click=${() => void invite.copy(code, s.inviteCopied)}>
          ${invite.copied ? checkIcon : copyIcon}<span>${invite.copied ? s.inviteCopied : s.copyInvite}</span>
        </button>
        ${qr ? nothing : html`<button class="btn secondary show-qr" @click=${() => void invite.showQr(code)}>${qrIcon}<span>${s.showQr}</span></button>`}
      </div>
      ${
        qr
          ? html`<svg class="qr" part="qr" role="img" aria-label=${s.qrLabel} viewBox="-2 -2 ${qr.size + 4} ${qr.size + 4}" shape-rendering="crispEdges">
              ${svg`<rect x="-2" y="-2" width=${qr.size + 4} height=${qr.size + 4} fill="#fff"/><path d=${qr.path} fill="#000"/>`}
            </svg>`
          : nothing
      }
    </div>`;
}
