import { html, nothing, type TemplateResult } from 'lit';
import { chatIcon, closeIcon, minimizeIcon } from '../icons.js';
import type { ChatStrings } from '../strings/index.js';

export interface LauncherContext {
  strings: ChatStrings;
  open: boolean;
  /** Messages from others since the panel was closed. */
  unread: number;
  /** The chat surface the panel holds. */
  frame: TemplateResult;
  dir: 'ltr' | 'rtl';
  toggle: () => void;
  panelKey: (e: KeyboardEvent) => void;
}

/** Launcher mode: a floating button with an unread badge, and the panel (a dialog) it opens. */
export function renderLauncher(ctx: LauncherContext): TemplateResult {
  const s = ctx.strings;
  const { open, unread } = ctx;
  return html`<div class="panel" id="panel" role="dialog" aria-labelledby="panel-title" dir=${ctx.dir} ?hidden=${!open} @keydown=${ctx.panelKey}>
        ${ctx.frame}
      </div>
      <button
        class="launcher"
        part="launcher"
        dir=${ctx.dir}
        aria-expanded=${open ? 'true' : 'false'}
        aria-controls="panel"
        aria-label=${(open ? s.closeChat : s.openChat) + (unread && !open ? `, ${s.unread(unread)}` : '')}
        @click=${ctx.toggle}
      >
        ${open ? closeIcon : chatIcon}
        ${unread && !open ? html`<span class="badge" part="badge" aria-hidden="true">${unread > 99 ? '99+' : unread}</span>` : nothing}
      </button>`;
}

/**
 * The launcher panel's title bar: the title (`title-text`) and, in the corner, the button that
 * hides the panel. It is a chevron labelled "Hide chat", apart from the room header's "Leave room"
 * (an exit icon and a word, and a confirmation), so hiding and leaving are not mistaken.
 */
export function renderPanelBar(strings: ChatStrings, close: () => void, roomTitle?: string): TemplateResult {
  return html`<div class="panel-bar" part="panel-bar">
      <h2 class="panel-title" id="panel-title">${roomTitle || strings.title}</h2>
      <button class="icon-btn hide" aria-label=${strings.closeChat} title=${strings.closeChat} @click=${close}>${minimizeIcon}</button>
    </div>`;
}
