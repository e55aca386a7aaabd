import { html, type TemplateResult } from 'lit';
import type { InviteController } from '../controllers/invite.js';
import { linkIcon } from '../icons.js';
import type { ChatStrings } from '../strings/index.js';

export interface InviteContext {
  strings: ChatStrings;
  code: string;
  invite: InviteController;
}

/** The room header's Invite button and, while open, its menu (invite-menu.ts, loaded on the first open). */
export function renderInvite(ctx: InviteContext): TemplateResult {
  const { strings: s, invite } = ctx;
  const button = html`<button class="icon-btn invite-toggle" aria-label=${s.invite} title=${s.invite} aria-expanded=${invite.open ? 'true' : 'false'}
    aria-controls="invite-menu" @click=${invite.toggle}>${linkIcon}</button>`;
  return invite.open && invite.menu ? html`${button}${invite.menu.renderInviteMenu(ctx)}` : button;
}
