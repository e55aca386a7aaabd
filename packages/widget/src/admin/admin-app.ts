import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { type ApiError, call, loadCredential, saveCredential, seg, type Credential, type Json } from './api.js';
import { adminStyles } from './styles.js';
import './admin-room.js';
import './admin-settings.js';

type View = { name: 'rooms' } | { name: 'room'; code: string } | { name: 'audit' } | { name: 'settings' };

/**
 * `<roomchat-admin>`, the admin page at /admin (docs/admin.md): sign in with an admin token or an
 * app's secret, pick an app (a server admin), then rooms by activity, a room (./admin-room.ts),
 * the audit trail and the app's filter and hook settings (./admin-settings.ts).
 */
export class RoomchatAdmin extends LitElement {
  static override styles = adminStyles;
  static override properties = {
    credential: { state: true },
    session: { state: true },
    apps: { state: true },
    view: { state: true },
    rooms: { state: true },
    audit: { state: true },
    error: { state: true },
    busy: { state: true },
  };
  declare credential: Credential | undefined;
  declare session: Json | undefined;
  declare apps: Json[];
  declare view: View;
  declare rooms: Json[] | undefined;
  declare audit: Json | undefined;
  declare error: string;
  declare busy: boolean;

  constructor() {
    super();
    this.credential = loadCredential();
    this.apps = [];
    this.view = { name: 'rooms' };
    this.error = '';
    this.busy = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.credential) void this.#start();
  }

  async #start(): Promise<void> {
    try {
      this.session = await call(this.credential!, 'GET', '/v1/admin/session');
      this.apps = (await call(this.credential!, 'GET', '/v1/admin/apps')).apps as Json[];
      this.error = '';
      await this.#show({ name: 'rooms' });
    } catch (err) {
      this.#signOut();
      this.error = `Could not sign in: ${(err as Error).message}`;
    }
  }

  #signOut(): void {
    this.credential = undefined;
    this.session = undefined;
    saveCredential(undefined);
  }

  async #signIn(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const value = String(form.get('credential') ?? '').trim();
    const appId = String(form.get('app') ?? '').trim();
    if (!value) {
      this.error = 'Paste an admin token, or an app id and its secret';
      return;
    }
    this.credential = appId ? { value, secret: true, appId } : { value, secret: false };
    saveCredential(this.credential);
    await this.#start();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('h1')?.focus();
  }

  async #pickApp(event: Event): Promise<void> {
    const appId = (event.target as HTMLSelectElement).value;
    this.credential = { ...this.credential!, appId };
    saveCredential(this.credential);
    await this.#start();
  }

  async #show(view: View): Promise<void> {
    this.view = view;
    this.error = '';
    if (view.name === 'rooms') await this.#loadRooms(this.#query);
    if (view.name === 'audit') await this.#loadAudit('');
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('main h2')?.focus();
  }

  #query = '';
  async #loadRooms(q: string): Promise<void> {
    this.#query = q;
    try {
      this.rooms = (await call(this.credential!, 'GET', `/v1/admin/rooms${q ? `?q=${seg(q)}` : ''}`)).rooms as Json[];
    } catch (err) {
      this.error = (err as ApiError).message;
    }
  }

  async #loadAudit(room: string): Promise<void> {
    try {
      this.audit = await call(this.credential!, 'GET', `/v1/audit${room ? `?room=${seg(room)}` : ''}`);
      this.error = '';
    } catch (err) {
      this.error = (err as ApiError).message;
    }
  }

  override render(): TemplateResult {
    if (!this.session) return this.#renderSignIn();
    const nav = (name: View['name'], label: string) =>
      html`<button type="button" aria-current=${this.view.name === name ? 'page' : 'false'} @click=${() => this.#show({ name } as View)}>${label}</button>`;
    return html`
      <header class="row">
        <h1 tabindex="-1" class="grow">Roomchat admin: ${this.session.app.name}</h1>
        ${this.session.serverAdmin
          ? html`<div>
              <label for="app">App</label>
              <select id="app" @change=${this.#pickApp}>
                ${this.apps.map((a) => html`<option value=${a.id} ?selected=${a.id === this.session!.app.id}>${a.name} (${a.id})</option>`)}
              </select>
            </div>`
          : nothing}
        <button type="button" @click=${() => this.#signOut()}>Sign out</button>
      </header>
      <nav aria-label="Admin sections" class="row">${nav('rooms', 'Rooms')} ${nav('audit', 'Audit trail')} ${nav('settings', 'Filters and hook')}</nav>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      <main>${this.#renderView()}</main>
    `;
  }

  #renderSignIn(): TemplateResult {
    return html`
      <main>
        <h1>Roomchat admin</h1>
        <section>
          <form @submit=${this.#signIn}>
            <h2>Sign in</h2>
            <p class="hint">Paste a token from <code>roomchat-server admin token</code>, or an app's secret with its app id.</p>
            <label for="credential">Admin token or app secret</label>
            <input id="credential" name="credential" type="password" autocomplete="off" required />
            <label for="app-id">App id <span class="hint">(only with an app secret)</span></label>
            <input id="app-id" name="app" autocomplete="off" />
            <p><button class="primary" type="submit">Sign in</button></p>
            ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
          </form>
        </section>
      </main>
    `;
  }

  #renderView(): TemplateResult {
    switch (this.view.name) {
      case 'room':
        return html`<admin-room .credential=${this.credential!} .code=${this.view.code} @back=${() => this.#show({ name: 'rooms' })}></admin-room>`;
      case 'audit':
        return this.#renderAudit();
      case 'settings':
        return html`<admin-settings .credential=${this.credential!}></admin-settings>`;
      default:
        return this.#renderRooms();
    }
  }

  #renderRooms(): TemplateResult {
    const search = (event: SubmitEvent) => {
      event.preventDefault();
      void this.#loadRooms(String(new FormData(event.target as HTMLFormElement).get('q') ?? '').trim());
    };
    return html`
      <h2 tabindex="-1">Rooms by activity</h2>
      <form role="search" class="row" @submit=${search}>
        <div class="grow">
          <label for="q">Find a room by code or key</label>
          <input id="q" name="q" .value=${this.#query} />
        </div>
        <button type="submit">Find</button>
      </form>
      <section>
        ${this.rooms?.length
          ? html`<ul class="list" aria-label="Rooms">
              ${this.rooms.map(
                (r) => html`<li>
                  <span class="grow"
                    ><strong>${r.title ?? r.code}</strong> · code ${r.code}${r.key ? html` · key ${r.key}` : nothing}<br /><span class="hint"
                      >${r.messages} messages · ${r.openReports} open reports · last active ${new Date(r.lastActivityAt).toLocaleString()}</span
                    ></span
                  >
                  <button type="button" aria-label=${`Open room ${r.code}`} @click=${() => this.#show({ name: 'room', code: r.code })}>Open</button>
                </li>`,
              )}
            </ul>`
          : html`<p>No rooms${this.#query ? ' match' : ''}.</p>`}
      </section>
    `;
  }

  #renderAudit(): TemplateResult {
    const filter = (event: SubmitEvent) => {
      event.preventDefault();
      void this.#loadAudit(String(new FormData(event.target as HTMLFormElement).get('room') ?? '').trim());
    };
    const entries = (this.audit?.entries ?? []) as Json[];
    return html`
      <h2 tabindex="-1">Audit trail</h2>
      <form class="row" @submit=${filter}>
        <div class="grow">
          <label for="audit-room">Room code</label>
          <input id="audit-room" name="room" />
        </div>
        <button type="submit">Filter</button>
      </form>
      <section>
        ${entries.length
          ? html`<ul class="list" aria-label="Audit entries">
              ${entries.map(
                (e) => html`<li>
                  <span class="grow"
                    ><strong>${e.action}</strong> in ${e.roomCode} by ${e.actorName}${e.target ? html` · ${e.target}` : nothing}${e.reason ? html` · “${e.reason}”` : nothing}</span
                  >
                  <span class="hint">${new Date(e.createdAt).toLocaleString()}</span>
                </li>`,
              )}
            </ul>`
          : html`<p>Nothing recorded.</p>`}
      </section>
    `;
  }
}

customElements.define('roomchat-admin', RoomchatAdmin);

declare global {
  interface HTMLElementTagNameMap {
    'roomchat-admin': RoomchatAdmin;
  }
}
