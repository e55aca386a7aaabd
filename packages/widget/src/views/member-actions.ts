import { html, nothing, type TemplateResult } from 'lit';
import type { Member, Role } from '@roomchat/sdk';
import type { ModerationController } from '../controllers/moderation.js';
import { formatDuration, memberActions, MUTE_DURATIONS_MS } from '../moderation-rules.js';
import type { ChatStrings } from '../strings/index.js';

/** A member's role badge (owner, moderator, admin) beside its name; plain members have none. */
export function renderRoleBadge(s: ChatStrings, role: Role | undefined): TemplateResult | typeof nothing {
  if (!role || role === 'member') return nothing;
  return html`<span class="role-badge ${role}" part="role-badge">${s.mod[role]}</span>`;
}

/**
 * What the visitor's role allows on `member` (moderation-rules.ts): a button naming the member
 * that opens them, then kick, ban, mute for 5 min / 1 h / 24 h, promote or demote, make owner.
 * Nothing for a plain member's view, for the visitor itself, or for those it does not outrank.
 */
export function renderMemberActions(s: ChatStrings, viewer: Role, selfId: string, member: Member, mod: ModerationController): TemplateResult | typeof nothing {
  const actions = memberActions(viewer, selfId, member);
  if (!actions.length) return nothing;
  const m = s.mod;
  const open = mod.memberOpen === member.id;
  const id = `member-actions-${member.id}`;
  const toggle = html`<button class="member-more" aria-label=${m.memberActions(member.name)} title=${m.memberActions(member.name)}
    aria-expanded=${open ? 'true' : 'false'} aria-controls=${id} @click=${() => mod.toggleMember(member)}>⋯</button>`;
  if (!open) return toggle;
  const b = (cls: string, label: string, act: () => void) => html`<button class="chip ${cls}" @click=${act}>${label}</button>`;
  return html`${toggle}<div class="member-actions" id=${id} data-member=${member.id} role="group" aria-label=${m.memberActions(member.name)}>
    ${actions.includes('kick') ? b('kick', m.kick, () => mod.kick(member)) : nothing}
    ${actions.includes('ban') ? b('ban', m.ban, () => mod.ban(member)) : nothing}
    ${actions.includes('mute') ? MUTE_DURATIONS_MS.map((ms) => b('mute', m.muteFor(formatDuration(m, ms / 1000)), () => mod.mute(member, ms))) : nothing}
    ${actions.includes('promote') ? b('promote', m.promote, () => mod.promote(member)) : nothing}
    ${actions.includes('demote') ? b('demote', m.demote, () => mod.demote(member)) : nothing}
    ${actions.includes('owner') ? b('make-owner', m.makeOwner, () => mod.askOwner(member)) : nothing}
  </div>`;
}
