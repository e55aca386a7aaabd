import { ChatClient } from '@roomchat/sdk';
import { sessionMemberId } from '../dom.js';
import type { ChatHost } from './host.js';

/** The element's attributes the session follows (`room`, `name`, the server) and keeps in step. */
export interface SessionHost extends ChatHost {
  room: string | undefined;
  /** The site's key of the room to be in; when set, it names the room instead of `room`. */
  roomKey: string | undefined;
  name: string | undefined;
  readonly serverUrl: string;
  /** The host site's app id (default app when unset). */
  app: string | undefined;
  /** A token the host signed for the visitor, or a function fetching fresh ones. */
  token: string | undefined;
  tokenProvider: (() => Promise<string>) | undefined;
}

/** Whether the host names the visitor with a token: then the widget asks no name. */
export function hostVerifies(host: Pick<SessionHost, 'token' | 'tokenProvider'>): boolean {
  return Boolean(host.token || host.tokenProvider);
}

/** The SDK client the element's attributes ask for: its server, app, token and whether tabs share a connection. */
export function clientFor(host: SessionHost): ChatClient {
  const url = host.serverUrl;
  // The token is read when the SDK asks (each connect, each refresh), so a page that updates the
  // `token` attribute or sets `tokenProvider` later is heard without a new connection.
  const getToken = hostVerifies(host) ? async () => (host.tokenProvider ? host.tokenProvider() : (host.token ?? '')) : undefined;
  return new ChatClient({
    url,
    ...(host.app ? { app: host.app } : {}),
    ...(getToken ? { getToken } : {}),
    memberId: sessionMemberId(),
    // The site's tabs share one connection (a leader tab holds it) unless the site says
    // share-connection="off": read once, when the connection is made.
    shareConnection: host.getAttribute('share-connection') !== 'off',
    // Given the tab's member id, the SDK keeps unacknowledged sends in localStorage under it: a
    // tab re-sends only its own messages (under its own name) and a reload of the tab finds them.
  });
}
