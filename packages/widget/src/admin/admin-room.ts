import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { call, seg, type Credential, type Json } from './api.js';
import { adminStyles } from './styles.js';

/**
 * One room on the admin page: its reports queue (keep or remove), its history (delete), its bans
 * (unban) and its actions (lock, slow mode, close), all through the server-to-server API.
 * @fires back - when the admin goes back to the rooms
 */
export class AdminRoom extends LitElement {
  static override styles = adminStyles;
  static override properties = {
    credential: { attribute: false },
    code: {},
    history: { state: true },
    reports: { state: true },
    bans: { state: true },
    error: { state: true },
    status: { state: true },
  };
  declare credential: Credential;
  declare code: string;
  declare history: Json[];
  declare reports: Json[];
  declare bans: Json[];
  declare error: string;
  declare status: string;

  constructor() {
    super();
    this.history = [];
    this.reports = [];
    this.bans = [];
    this.error = '';
    this.status = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  // Opened from the list: focus moves to the room's heading, so that Tab goes on from there.
  override firstUpdated(): void {
    this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
  }

  async #load(): Promise<void> {
    const room = `/v1/rooms/${seg(this.code)}`;
    try {
      const [history, reports, bans] = await Promise.all([
        call(this.credential, 'GET', `${room}/messages`),
        call(this.credential, 'GET', `${room}/reports`),
        call(this.credential, 'GET', `${room}/bans`),
      ]);
      this.history = ((history.messages ?? []) as Json[]).filter((m) => m.kind === 'text' || m.kind === 'image').reverse();
      this.reports = reports.reports as Json[];
      this.bans = bans.bans as Json[];
      this.error = '';
    } catch (err) {
      this.error = (err as Error).message;
    }
  }

  /** Runs an action, says what happened, and reloads the room. */
  async #act(done: string, method: string, path: string, body?: unknown): Promise<void> {
    try {
      await call(this.credential, method, `/v1/rooms/${seg(this.code)}${path}`, body);
      this.status = done;
      this.error = '';
      await this.#load();
    } catch (err) {
      this.status = '';
      this.error = (err as Error).message;
    }
  }

  #moderate(done: string, body: Json): Promise<void> {
    return this.#act(done, 'POST', '/moderation', body);
  }

  override render(): TemplateResult {
    const slow = (event: SubmitEvent) => {
      event.preventDefault();
      const seconds = Number(new FormData(event.target as HTMLFormElement).get('seconds'));
      void this.#moderate(seconds ? `Slow mode: one message per ${seconds} s` : 'Slow mode is off', { action: 'slow-mode', seconds });
    };
    return html`
      <div class="row">
        <h2 tabindex="-1" class="grow">Room ${this.code}</h2>
        <button type="button" @click=${() => this.dispatchEvent(new CustomEvent('back', { bubbles: true, composed: true }))}>Back to rooms</button>
      </div>
      <p role="status" class="status">${this.status}</p>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      <section aria-labelledby="reports-heading">
        <h3 id="reports-heading">Reports (${this.reports.length})</h3>
        ${this.reports.length
          ? html`<ul class="list">
              ${this.reports.map(
                (r) => html`<li>
                  <span class="grow"
                    ><strong>${r.message.author}</strong>: ${r.message.text ?? '(image)'}${r.hidden ? html` <em>(hidden)</em>` : nothing}<br /><span class="hint"
                      >${r.reports.length} report(s): ${r.reports.map((x: Json) => x.reason).join('; ')}</span
                    ></span
                  >
                  <span class="row">
                    <button type="button" aria-label=${`Keep the message of ${r.message.author}`} @click=${() => this.#act('Kept: the message is shown again', 'POST', `/reports/${seg(r.message.id)}`, { decision: 'keep' })}>Keep</button>
                    <button type="button" class="danger" aria-label=${`Remove the message of ${r.message.author}`} @click=${() => this.#act('Removed the message', 'POST', `/reports/${seg(r.message.id)}`, { decision: 'remove' })}>Remove</button>
                  </span>
                </li>`,
              )}
            </ul>`
          : html`<p>No open reports.</p>`}
      </section>
      <section aria-labelledby="history-heading">
        <h3 id="history-heading">History (newest first)</h3>
        ${this.history.length
          ? html`<ul class="list">
              ${this.history.map(
                (m) => html`<li>
                  <span class="grow"
                    ><strong>${m.author}</strong>: ${m.deletedAt ? html`<em>deleted</em>` : (m.text ?? '(image)')}${m.hidden ? html` <em>(hidden)</em>` : nothing}<br /><span class="hint"
                      >${new Date(m.createdAt).toLocaleString()}</span
                    ></span
                  >
                  ${m.deletedAt
                    ? nothing
                    : html`<button type="button" class="danger" aria-label=${`Delete the message of ${m.author} sent ${new Date(m.createdAt).toLocaleTimeString()}`} @click=${() => this.#act('Deleted the message', 'DELETE', `/messages/${seg(m.id)}`)}>Delete</button>`}
                </li>`,
              )}
            </ul>`
          : html`<p>No messages.</p>`}
      </section>
      <section aria-labelledby="bans-heading">
        <h3 id="bans-heading">Bans</h3>
        ${this.bans.length
          ? html`<ul class="list">
              ${this.bans.map(
                (b) => html`<li>
                  <span class="grow">${b.userId ?? b.memberId}${b.reason ? html` · “${b.reason}”` : nothing}${b.until ? html` · until ${new Date(b.until).toLocaleString()}` : nothing}</span>
                  <button type="button" aria-label=${`Unban ${b.userId ?? b.memberId}`} @click=${() => this.#moderate('Unbanned', b.userId ? { action: 'unban', userId: b.userId } : { action: 'unban', memberId: b.memberId })}>Unban</button>
                </li>`,
              )}
            </ul>`
          : html`<p>Nobody is banned.</p>`}
      </section>
      <section aria-labelledby="actions-heading">
        <h3 id="actions-heading">Room actions</h3>
        <div class="row">
          <button type="button" @click=${() => this.#moderate('The room is locked to new joins', { action: 'lock', locked: true })}>Lock</button>
          <button type="button" @click=${() => this.#moderate('The room is open to joins', { action: 'lock', locked: false })}>Unlock</button>
          <button type="button" class="danger" @click=${() => confirm(`Close room ${this.code} for good?`) && this.#moderate('The room is closed', { action: 'close' })}>Close the room</button>
        </div>
        <form class="row" @submit=${slow}>
          <div>
            <label for="seconds">Slow mode (seconds between messages; 0 is off)</label>
            <input id="seconds" name="seconds" type="number" min="0" max="3600" value="0" />
          </div>
          <button type="submit">Set slow mode</button>
        </form>
      </section>
    `;
  }
}

customElements.define('admin-room', AdminRoom);

declare global {
  interface HTMLElementTagNameMap {
    'admin-room': AdminRoom;
  }
}
