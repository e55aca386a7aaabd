import { html, type TemplateResult } from 'lit';
import { bellIcon, bellOffIcon } from '../icons.js';
import type { ChatStrings } from '../strings/index.js';

/** The bell in the room header: a toggle for desktop notifications, pressed while they are on. */
export function renderBell(strings: ChatStrings, on: boolean, toggle: () => void): TemplateResult {
  return html`<button class="icon-btn bell" part="bell" aria-label=${strings.notify} title=${strings.notify} aria-pressed=${on ? 'true' : 'false'} @click=${toggle}>
    ${on ? bellIcon : bellOffIcon}
  </button>`;
}
