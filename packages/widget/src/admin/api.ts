/**
 * The admin page's client of the admin and server-to-server APIs (docs/admin.md): one credential,
 * an admin token (`Bearer`) or an app's secret (`Roomchat-Secret`, with its app id), kept in
 * sessionStorage so that a reload keeps the session and closing the tab ends it.
 */
export interface Credential {
  /** An admin token, or an app's secret when `appId` is given with `secret: true`. */
  value: string;
  secret: boolean;
  /** The app: the secret's, or the one a server admin picked. */
  appId?: string;
}

const STORAGE_KEY = 'roomchat-admin';

export function loadCredential(): Credential | undefined {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Credential) : undefined;
  } catch {
    return undefined;
  }
}

export function saveCredential(credential: Credential | undefined): void {
  if (credential) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credential));
  else sessionStorage.removeItem(STORAGE_KEY);
}

/** An error answer of the API: its stable code and message. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export type Json = Record<string, any>;

/** Calls the API with the credential; resolves with the JSON body or rejects with an ApiError. */
export async function call(credential: Credential, method: string, path: string, body?: unknown): Promise<Json> {
  const headers: Record<string, string> = {
    Authorization: credential.secret ? `Roomchat-Secret ${credential.value}` : `Bearer ${credential.value}`,
  };
  if (credential.appId) headers['Roomchat-App'] = credential.appId;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  } catch {
    throw new ApiError('NETWORK', 'The server could not be reached', 0);
  }
  const json = (await res.json().catch(() => ({}))) as Json;
  if (!res.ok) throw new ApiError(json.error?.code ?? 'HTTP_ERROR', json.error?.message ?? `HTTP ${res.status}`, res.status);
  return json;
}

/** A path segment, escaped. */
export const seg = (s: string) => encodeURIComponent(s);
