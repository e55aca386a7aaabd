import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { call, type Credential, type Json } from './api.js';
import { adminStyles } from './styles.js';

/** The app's filters and pre-publish hook (GET/PATCH /v1/app/settings, docs/moderation.md). */
export class AdminSettings extends LitElement {
  static override styles = adminStyles;
  static override properties = {
    credential: { attribute: false },
    settings: { state: true },
    error: { state: true },
    status: { state: true },
  };
  declare credential: Credential;
  declare settings: Json | undefined;
  declare error: string;
  declare status: string;

  constructor() {
    super();
    this.error = '';
    this.status = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    call(this.credential, 'GET', '/v1/app/settings').then(
      (body) => (this.settings = body.settings as Json),
      (err: Error) => (this.error = err.message),
    );
  }

  // Opened from the menu: focus moves to the view's heading, so that Tab goes on from there.
  override firstUpdated(): void {
    this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
  }

  async #save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const patch = {
      blockedWords: text('blockedWords')
        .split('\n')
        .map((w) => w.trim())
        .filter(Boolean),
      wordAction: text('wordAction'),
      linkPolicy: text('linkPolicy'),
      mentionsMax: text('mentionsMax') === '' ? null : Number(text('mentionsMax')),
      hookUrl: text('hookUrl') || null,
      hookTimeoutMs: Number(text('hookTimeoutMs')),
      hookFailMode: text('hookFailMode'),
    };
    try {
      this.settings = (await call(this.credential, 'PATCH', '/v1/app/settings', patch)).settings as Json;
      this.status = 'Saved';
      this.error = '';
    } catch (err) {
      this.status = '';
      this.error = (err as Error).message;
    }
  }

  override render(): TemplateResult {
    const s = this.settings;
    const options = (values: string[], current: string) => values.map((v) => html`<option value=${v} ?selected=${v === current}>${v}</option>`);
    return html`
      <h2 tabindex="-1">Filters and hook</h2>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      ${s
        ? html`<section>
            <form @submit=${this.#save}>
              <label for="blockedWords">Blocked words (one a line)</label>
              <textarea id="blockedWords" name="blockedWords" rows="4">${(s.blockedWords as string[]).join('\n')}</textarea>
              <label for="wordAction">What a blocked word does</label>
              <select id="wordAction" name="wordAction">${options(['block', 'mask'], s.wordAction)}</select>
              <label for="linkPolicy">Links</label>
              <select id="linkPolicy" name="linkPolicy">${options(['allow', 'deny', 'verified'], s.linkPolicy)}</select>
              <label for="mentionsMax">Most mentions in a message <span class="hint">(empty: no cap)</span></label>
              <input id="mentionsMax" name="mentionsMax" type="number" min="0" max="1000" .value=${s.mentionsMax == null ? '' : String(s.mentionsMax)} />
              <label for="hookUrl">Pre-publish hook URL <span class="hint">(empty: none)</span></label>
              <input id="hookUrl" name="hookUrl" type="url" .value=${s.hookUrl ?? ''} />
              <label for="hookTimeoutMs">Hook timeout (ms)</label>
              <input id="hookTimeoutMs" name="hookTimeoutMs" type="number" min="1" .value=${String(s.hookTimeoutMs)} />
              <label for="hookFailMode">When the hook fails</label>
              <select id="hookFailMode" name="hookFailMode">${options(['open', 'closed'], s.hookFailMode)}</select>
              <p><button class="primary" type="submit">Save settings</button></p>
              <p role="status" class="status">${this.status}</p>
            </form>
          </section>`
        : nothing}
    `;
  }
}

customElements.define('admin-settings', AdminSettings);

declare global {
  interface HTMLElementTagNameMap {
    'admin-settings': AdminSettings;
  }
}
