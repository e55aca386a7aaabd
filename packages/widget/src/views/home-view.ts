import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { alertIcon, chatIcon } from '../icons.js';
import type { ChatStrings } from '../strings/index.js';

/** Which home action is in flight. */
export type HomeBusy = 'join' | 'create' | null;

/** An inline error, and the field it is about (marked invalid and focused). */
export interface HomeError {
  text: string;
  field: 'name' | 'code' | null;
}

export interface HomeContext {
  strings: ChatStrings;
  name: string;
  /** The host site names the visitor (a token): no name field. */
  verified: boolean;
  code: string;
  error: HomeError | null;
  busy: HomeBusy;
  /** A join or create waits for the server to be reachable. */
  waiting: boolean;
  nameInput(value: string): void;
  codeInput(value: string): void;
  join(): void;
  create(): void;
}

/** The home view: a name ("Pick a name!"), a room code with "Join a room", and "Create a room". */
export function renderHome(ctx: HomeContext): TemplateResult {
  const { strings: s, error, busy } = ctx;
  const busyText = (text: string) => (ctx.waiting ? s.connecting : text);
  const onSubmit = (e: Event) => {
    e.preventDefault();
    ctx.join();
  };
  return html`<section class="home" part="home" aria-labelledby="home-title">
    <div class="home-inner">
      <div class="brand">
        <div class="logo">${chatIcon}</div>
        <div>
          <h2 id="home-title">${s.title}</h2>
          <p class="subtitle">${s.subtitle}</p>
        </div>
      </div>
      <form @submit=${onSubmit} novalidate>
        ${ctx.verified ? nothing : html`<div class="field">
          <label for="name">${s.nameLabel}</label>
          <input
            id="name"
            name="name"
            autocomplete="nickname"
            maxlength="80"
            placeholder=${s.namePlaceholder}
            .value=${live(ctx.name)}
            aria-invalid=${error?.field === 'name' ? 'true' : 'false'}
            aria-describedby=${error?.field === 'name' ? 'home-error' : nothing}
            @input=${(e: Event) => ctx.nameInput((e.target as HTMLInputElement).value)}
          />
        </div>`}
        <div class="field">
          <label for="code">${s.codeLabel}</label>
          <div class="join-row">
            <input
              id="code"
              name="code"
              class="code-input"
              autocomplete="off"
              autocapitalize="characters"
              spellcheck="false"
              maxlength="24"
              placeholder=${s.codePlaceholder}
              .value=${live(ctx.code)}
              aria-invalid=${error?.field === 'code' ? 'true' : 'false'}
              aria-describedby=${error?.field === 'code' ? 'home-error' : nothing}
              @input=${(e: Event) => ctx.codeInput((e.target as HTMLInputElement).value)}
            />
            <button class="btn primary join" type="submit" ?disabled=${busy !== null}>${busy === 'join' ? busyText(s.joining) : s.join}</button>
          </div>
        </div>
      </form>
      <p class="form-error" id="home-error" role="alert" ?hidden=${!error}>${error ? html`${alertIcon}<span>${error.text}</span>` : nothing}</p>
      <div class="divider">${s.or}</div>
      <button class="btn secondary create" type="button" ?disabled=${busy !== null} @click=${() => ctx.create()}>
        ${busy === 'create' ? busyText(s.creating) : s.create}
      </button>
    </div>
  </section>`;
}
