import { html, nothing, type TemplateResult } from 'lit';
import { checkIcon, closeIcon, copyIcon, exitIcon } from '../icons.js';
import type { ChatStrings } from '../strings/index.js';

export interface HeaderContext {
  strings: ChatStrings;
  /** The room's code, shown so the visitor can pass it on. */
  code: string;
  /** Whether the code was just copied (the button shows a check for a moment). */
  copied: boolean;
  /** The members button and its list (see members.ts). */
  members: TemplateResult;
  copy: () => void;
  exit: () => void;
  /** Closes the launcher panel; absent inline, where there is nothing to close. */
  close?: () => void;
}

/** The room header: the room code with a copy button, the members, Exit, and the panel's close. */
export function renderHeader(ctx: HeaderContext): TemplateResult {
  const s = ctx.strings;
  const close = ctx.close;
  return html`<header part="header">
        <div class="room-id">
          <span class="room-label" id="room-label">${s.roomLabel}</span>
          <span class="room-code" aria-labelledby="room-label" id="room-code">${ctx.code}</span>
          <button class="icon-btn copy" aria-label=${ctx.copied ? s.copied : s.copyCode} title=${s.copyCode} @click=${ctx.copy}>
            <span class=${ctx.copied ? 'copied' : ''}>${ctx.copied ? checkIcon : copyIcon}</span>
          </button>
        </div>
        ${ctx.members}
        <button class="icon-btn exit" @click=${ctx.exit}>${exitIcon}<span class="label">${s.exit}</span></button>
        ${close
          ? html`<button class="icon-btn" aria-label=${s.closeChat} title=${s.closeChat} @click=${close}>${closeIcon}</button>`
          : nothing}
      </header>`;
}
