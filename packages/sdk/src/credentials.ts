import { ChatError } from './errors.js';
import { APP_HEADER, ErrorCode } from './protocol.js';

/** How long before a token's expiry a fresh one is asked for (at most a fifth of its lifetime). */
const TOKEN_REFRESH_MARGIN_MS = 60_000;
/** Reconnects after an AUTH_EXPIRED handshake, each asking getToken again, before giving up. */
const EXPIRED_RETRIES = 3;
/** An upload takes a while: a token with less than this left is replaced before it starts. */
const UPLOAD_TOKEN_MARGIN_MS = 10_000;

export interface CredentialsOptions {
  app: string | undefined;
  token: string | undefined;
  getToken: (() => Promise<string>) | undefined;
  /** Hands a fresh token over the live connection (`auth:refresh`). */
  refresh(token: string): Promise<unknown>;
  error(error: ChatError): void;
}

/**
 * Who a client speaks for: its app and, for a signed-in visitor, the host's token, kept fresh
 * (asked again on every connect, before expiry, and after AUTH_EXPIRED) and sent with every
 * handshake and upload.
 */
export class Credentials {
  readonly #options: CredentialsOptions;
  #token: string | undefined;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;
  #expiredRetries = 0;
  /** A getToken call for an upload under way, shared by uploads that start meanwhile. */
  #renewing: Promise<string> | undefined;

  constructor(options: CredentialsOptions) {
    this.#options = options;
    this.#token = options.token;
  }

  /** Whether the client joins as a user the host signed in (its name comes from the token). */
  get verified(): boolean {
    return this.#token !== undefined || this.#options.getToken !== undefined;
  }

  /** The handshake's `auth`, with a fresh token from getToken when there is one. */
  async handshake(): Promise<{ app?: string; token?: string }> {
    const { app, getToken } = this.#options;
    if (getToken) {
      try {
        this.#token = await getToken();
      } catch (cause) {
        // Connect without one: the server answers AUTH_REQUIRED where guests are not admitted.
        this.#options.error(new ChatError(ErrorCode.AUTH_INVALID, 'getToken failed', { cause }));
      }
    }
    return { ...(app === undefined ? {} : { app }), ...(this.#token === undefined ? {} : { token: this.#token }) };
  }

  /**
   * The headers of an HTTP request (uploads) on the same footing as the socket, with a token that
   * is still good: one that expires within the margin (a refresh that failed, a background tab's
   * throttled timer) is replaced from getToken first; `renew` asks getToken whatever the token
   * (after the server answered AUTH_EXPIRED).
   */
  async freshHeaders(renew = false): Promise<Record<string, string>> {
    const expiresAt = this.#token === undefined ? undefined : tokenExpiry(this.#token);
    const stale = expiresAt !== undefined && expiresAt - Date.now() < UPLOAD_TOKEN_MARGIN_MS;
    if (this.#options.getToken && (renew || stale || this.#token === undefined)) {
      this.#renewing ??= this.#options.getToken().finally(() => (this.#renewing = undefined));
      try {
        this.#token = await this.#renewing;
      } catch (cause) {
        throw new ChatError(ErrorCode.AUTH_INVALID, 'getToken failed', { cause });
      }
    }
    return this.headers();
  }

  /** Whether a refused upload may be tried again with a token from getToken. */
  get renewable(): boolean {
    return this.#options.getToken !== undefined;
  }

  /** The headers of an HTTP request with the token as it is. */
  headers(): Record<string, string> {
    const headers: Record<string, string> = {};
    if (this.#options.app !== undefined) headers[APP_HEADER] = this.#options.app;
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    return headers;
  }

  /** Connected: the expired-token retries start over, and the next refresh is scheduled. */
  connected(): void {
    this.#expiredRetries = 0;
    this.#scheduleRefresh();
  }

  /** Whether a handshake refused with AUTH_EXPIRED is worth another try (getToken may have a fresh one). */
  retryExpired(): boolean {
    return this.#options.getToken !== undefined && this.#expiredRetries++ < EXPIRED_RETRIES;
  }

  close(): void {
    clearTimeout(this.#refreshTimer);
  }

  /**
   * Before the token expires, asks getToken for a fresh one and hands it over the live connection
   * (`auth:refresh`), so that a long session is neither closed nor shown as leave + join.
   */
  #scheduleRefresh(): void {
    clearTimeout(this.#refreshTimer);
    const expiresAt = this.#token === undefined ? undefined : tokenExpiry(this.#token);
    if (!this.#options.getToken || expiresAt === undefined) return;
    const left = expiresAt - Date.now();
    const delay = Math.max(0, left - Math.min(TOKEN_REFRESH_MARGIN_MS, left / 5));
    this.#refreshTimer = setTimeout(() => void this.#refresh(), delay);
  }

  async #refresh(): Promise<void> {
    try {
      const token = await this.#options.getToken!();
      await this.#options.refresh(token);
      this.#token = token;
      this.#scheduleRefresh();
    } catch (cause) {
      // The server closes the connection at expiry; the reconnect asks getToken again.
      this.#options.error(cause instanceof ChatError ? cause : new ChatError(ErrorCode.AUTH_INVALID, 'Refreshing the token failed', { cause }));
    }
  }
}

/** A JWT's `exp` in ms, read without verifying (the server verifies); undefined when unreadable. */
function tokenExpiry(token: string): number | undefined {
  try {
    const part = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    const exp = (JSON.parse(atob(part)) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
