import { html, nothing, type TemplateResult } from 'lit';
import type { ChatStrings } from '../strings/index.js';

/**
 * What the visitor is told about the connection; `connected` shows nothing (nor does the first
 * second of connecting), `waitingForServer` is a first connection that has not come for a while.
 */
export type ConnectionStatus = 'connected' | 'connecting' | 'waitingForServer' | 'reconnecting' | 'offline';

/**
 * The line under the header while messages cannot go out. Always in the DOM (hidden when
 * connected) so screen readers hear it as a status change rather than a new region.
 */
export function renderConnectionBanner(strings: ChatStrings, status: ConnectionStatus): TemplateResult {
  const text = status === 'connected' ? '' : strings[status];
  return html`<div class="banner" role="status" ?hidden=${!text}>${text ? html`<span class="spinner" aria-hidden="true"></span>${text}` : nothing}</div>`;
}
