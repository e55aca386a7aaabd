import { html, type TemplateResult } from 'lit';
import type { SearchController } from '../controllers/search.js';
import { searchIcon } from '../icons.js';
import type { ChatStrings } from '../strings/index.js';

/** The header's search button. */
export function renderSearchToggle(s: ChatStrings, search: SearchController): TemplateResult {
  return html`<button class="icon-btn search-toggle" part="search-button" aria-expanded=${search.open ? 'true' : 'false'} aria-controls="search"
    aria-label=${s.search} title=${s.search} @click=${search.toggle}>${searchIcon}</button>`;
}
