import { html, nothing, type TemplateResult } from 'lit';
import type { ChatMessage } from '@roomchat/sdk';
import type { SearchController } from '../controllers/search.js';
import { closeIcon } from '../icons.js';
import type { ChatStrings } from '../strings/index.js';

// Loaded on the first click on the search button (late-part.ts).
export { searchStyles as styles } from './search.styles.js';

/** Under the header while searching: the input, and the matching messages to jump to. */
export function renderSearch(s: ChatStrings, search: SearchController, locale: string | undefined): TemplateResult | typeof nothing {
  if (!search.open) return nothing;
  const time = (m: ChatMessage) => new Date(m.createdAt).toLocaleString(locale, { dateStyle: 'short', timeStyle: 'short' });
  const status = search.error || (search.answered && search.results.length === 0 ? s.searchNone : '');
  return html`<div class="search" id="search" part="search" role="search">
    <div class="search-bar">
      <input class="search-input" part="search-input" type="search" enterkeyhint="search" aria-label=${s.search} placeholder=${s.search}
        .value=${search.query} @input=${search.input} @keydown=${search.key} />
      <button class="icon-btn" aria-label=${s.searchClose} title=${s.searchClose} @click=${search.close}>${closeIcon}</button>
    </div>
    <p class="search-status" role="status">${status}</p>
    ${search.results.length
      ? html`<ul class="search-results" part="search-results">
          ${search.results.map(
            (m) => html`<li><button type="button" class="search-result" data-id=${m.id} @click=${() => search.choose(m)}>
              <span class="search-meta">${m.author} · ${time(m)}</span><span class="search-text">${m.text}</span>
            </button></li>`,
          )}
        </ul>`
      : nothing}
  </div>`;
}
