import { html, nothing, type TemplateResult } from 'lit';
import { chatIcon, closeIcon } from '../icons.js';
import type { ChatStrings } from '../strings/index.js';

export interface LauncherContext {
  strings: ChatStrings;
  open: boolean;
  /** Messages from others since the panel was closed. */
  unread: number;
  /** The chat surface the panel holds. */
  frame: TemplateResult;
  toggle: () => void;
  panelKey: (e: KeyboardEvent) => void;
}

/** Launcher mode: a floating button with an unread badge, and the panel (a dialog) it opens. */
export function renderLauncher(ctx: LauncherContext): TemplateResult {
  const s = ctx.strings;
  const { open, unread } = ctx;
  return html`<div class="panel" id="panel" role="dialog" aria-label=${s.title} ?hidden=${!open} @keydown=${ctx.panelKey}>
        ${ctx.frame}
      </div>
      <button
        class="launcher"
        part="launcher"
        aria-expanded=${open ? 'true' : 'false'}
        aria-controls="panel"
        aria-label=${(open ? s.closeChat : s.openChat) + (unread && !open ? `, ${s.unread(unread)}` : '')}
        @click=${ctx.toggle}
      >
        ${open ? closeIcon : chatIcon}
        ${unread && !open ? html`<span class="badge" part="badge" aria-hidden="true">${unread > 99 ? '99+' : unread}</span>` : nothing}
      </button>`;
}

/** The panel's close button on the home view (the room view has one in its header). */
export function renderPanelClose(strings: ChatStrings, close: () => void): TemplateResult {
  return html`<button class="icon-btn panel-close" aria-label=${strings.closeChat} title=${strings.closeChat} @click=${close}>
      ${closeIcon}
    </button>`;
}
