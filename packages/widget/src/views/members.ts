import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Member, Role } from '@roomchat/sdk';
import type { ModerationController } from '../controllers/moderation.js';
import { usersIcon } from '../icons.js';
import type { ChatStrings } from '../strings/index.js';
import { colorIndex, initial } from '../timeline.js';
import { renderMemberActions, renderRoleBadge } from './member-actions.js';

export interface MembersContext {
  strings: ChatStrings;
  members: readonly Member[];
  /** The visitor's member id, marked "(you)" in the list. */
  selfId: string;
  open: boolean;
  toggle: () => void;
  /** Key presses inside the open list (Escape closes it). */
  listKey: (e: KeyboardEvent) => void;
  /** Opens a direct conversation with another member (the "Message" action). */
  message?: ((member: Member) => void) | undefined;
  /** The visitor's role, and the moderation its role allows on each member (member-actions.ts). */
  role?: Role;
  moderation?: ModerationController;
}

/** A member's picture when the host site gave one (verified members), else their initial. */
export function renderAvatar(m: Pick<Member, 'name' | 'avatarUrl'>): TemplateResult {
  return m.avatarUrl
    ? html`<img class="avatar" part="avatar" aria-hidden="true" alt="" src=${m.avatarUrl} referrerpolicy="no-referrer" loading="lazy" />`
    : html`<span class="avatar" aria-hidden="true">${initial(m.name)}</span>`;
}

/** The mark beside a member the host site vouched for with a signed token. */
export function renderVerified(s: ChatStrings): TemplateResult {
  return html`<span class="verified" part="verified" title=${s.verified}><span aria-hidden="true">✓</span><span class="visually-hidden">${s.verified}</span></span>`;
}

/** The header's member count, a button that opens the list of who is in the room. */
export function renderMembers(ctx: MembersContext): TemplateResult {
  const s = ctx.strings;
  return html`<div class="members-wrap">
          <button
            class="icon-btn members"
            aria-expanded=${ctx.open ? 'true' : 'false'}
            aria-controls="member-list"
            @click=${ctx.toggle}
          >
            ${usersIcon}<span class="members-count">${s.members(ctx.members.length)}</span>
          </button>
          ${ctx.open
            ? html`<div class="member-list" id="member-list" @keydown=${ctx.listKey}>
                <h3 id="members-title">${s.membersTitle}</h3>
                <ul aria-labelledby="members-title" class="plain">
                  ${repeat(
                    ctx.members,
                    (m) => m.id,
                    (m) => html`<li class="member c${colorIndex(m.name)}">
                      ${renderAvatar(m)}
                      <span class="member-name">${m.name}</span>
                      ${m.verified ? renderVerified(s) : nothing} ${renderRoleBadge(s, m.role)}
                      ${m.id === ctx.selfId ? html`<span class="you">(${s.you})</span>` : nothing}
                      ${m.id !== ctx.selfId && ctx.message
                        ? html`<button class="member-message" part="member-message" aria-label=${s.messageMember(m.name)} @click=${() => ctx.message!(m)}>${s.message}</button>`
                        : nothing}
                      ${ctx.moderation && ctx.role ? renderMemberActions(s, ctx.role, ctx.selfId, m, ctx.moderation) : nothing}
                    </li>`,
                  )}
                </ul>
              </div>`
            : nothing}
        </div>`;
}
