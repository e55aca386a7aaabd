/**
 * The client's address as the server's rate limits and caps see it, with `trustedHops` proxies of
 * the operator's in front: the X-Forwarded-For entry the outermost of them appended. Every proxy
 * appends the address it received from, so entries to the left of the last `trustedHops` were
 * written by the client and could say anything. Koa applies the same rule to HTTP requests
 * (`proxy` and `maxIpsCount`); this is it for Socket.IO handshakes, whose requests Koa never sees.
 * https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-Forwarded-For#selecting_an_ip_address
 */
export function clientAddress(forwardedFor: string | string[] | undefined, peerAddress: string, trustedHops: number): string {
  if (trustedHops <= 0 || forwardedFor === undefined) return peerAddress;
  const entries = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  return entries.slice(-trustedHops)[0] ?? peerAddress;
}
