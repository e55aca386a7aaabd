import { html, nothing, type TemplateResult } from 'lit';
import { checkIcon, copyIcon, exitIcon } from '../icons.js';
import type { ChatStrings } from '../strings/index.js';

export interface HeaderContext {
  strings: ChatStrings;
  /** The room's code, shown so the visitor can pass it on. */
  code: string;
  /** The room's title, if it was created with one: shown above the code. */
  title: string | undefined;
  /** Whether the code was just copied (the button shows a check for a moment). */
  copied: boolean;
  /** Buttons before the members: the invite menu (invite.ts) and the notifications bell. */
  tools: TemplateResult | typeof nothing;
  /** The members button and its list (see members.ts). */
  members: TemplateResult;
  copy: () => void;
  /** Asks whether to leave (see exit-confirm.ts). */
  exit: () => void;
  /** The question "Leave this room?" while it is asked, else nothing. */
  confirm: TemplateResult | typeof nothing;
  /** The search button and, while open, its box (see search.ts). */
  search: { toggle: TemplateResult; box: TemplateResult | typeof nothing };
}

/** The room header: the room code with a copy button, search, the invite menu and the bell, the members, and Leave room. */
export function renderHeader(ctx: HeaderContext): TemplateResult {
  const s = ctx.strings;
  return html`<header part="header">
        <div class="room-id">
          ${ctx.title ? html`<span class="room-title">${ctx.title}</span>` : nothing}
          <span class="room-label" id="room-label">${s.roomLabel}</span>
          <span class="room-code" aria-labelledby="room-label" id="room-code">${ctx.code}</span>
          <button class="icon-btn copy" aria-label=${ctx.copied ? s.copied : s.copyCode} title=${s.copyCode} @click=${ctx.copy}>
            <span class=${ctx.copied ? 'copied' : ''}>${ctx.copied ? checkIcon : copyIcon}</span>
          </button>
        </div>
        ${ctx.search.toggle} ${ctx.tools}
        ${ctx.members}
        <button class="icon-btn exit" aria-haspopup="dialog" @click=${ctx.exit}>${exitIcon}<span class="label">${s.exit}</span></button>
        ${ctx.confirm} ${ctx.search.box}
      </header>`;
}
