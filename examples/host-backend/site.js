// The host site: a login form, product pages that each embed their own chat room (room-key), and
// the endpoint that signs Roomchat tokens for the logged-in user with the app secret. Plain
// node:http, so that the Roomchat part is all there is to read.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { SignJWT } from 'jose';

/** How long a token lives: short, the widget's tokenProvider fetches a fresh one before it expires. */
export const TOKEN_LIFETIME = '15m';
const PRODUCTS = { 123: 'Walking boots', 456: 'Rain jacket', 789: 'Thermos' };

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Signs the chat token of a logged-in user (docs/identity.md): HS256 with the app secret. */
export function chatToken(user, appSecret) {
  return new SignJWT({ name: user.name })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.id)
    .setIssuedAt()
    .setExpirationTime(TOKEN_LIFETIME)
    .sign(new TextEncoder().encode(appSecret));
}

/**
 * The site, for a Roomchat server at `chatUrl` and the app (`appId`, `appSecret`) made for it.
 * Sessions are in memory: a demo, not a pattern for production.
 */
export function createSite({ chatUrl, appId, appSecret }) {
  const sessions = new Map();
  const userOf = (req) => sessions.get(/(?:^|;\s*)sid=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1]);

  const layout = (user, body) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<style>body{font:16px system-ui;max-width:760px;margin:2em auto;padding:0 1em}chat-room{display:block;height:480px}</style></head><body>
<header><a href="/">Shop</a> · ${user ? `signed in as <b>${escapeHtml(user.name)}</b> <form method="post" action="/logout" style="display:inline"><button>Sign out</button></form>` : '<a href="/">sign in</a>'}</header>
${body}</body></html>`;

  const pages = {
    home: (user) =>
      layout(
        user,
        `${user ? '' : `<form method="post" action="/login"><h1>Sign in</h1><label>Your name <input name="name" required maxlength="40"></label> <button>Sign in</button><p>(a demo: any name, no password)</p></form>`}
<h2>Products</h2><ul>${Object.entries(PRODUCTS).map(([id, name]) => `<li><a href="/products/${id}">${escapeHtml(name)}</a></li>`).join('')}</ul>`,
      ),
    product: async (user, id) =>
      layout(
        user,
        `<h1>${escapeHtml(PRODUCTS[id])}</h1><p>Questions about it? Ask the other visitors of this page.</p>
<chat-room server="${escapeHtml(chatUrl)}" app="${escapeHtml(appId)}" room-key="product-${escapeHtml(id)}"${user ? ` token="${escapeHtml(await chatToken(user, appSecret))}"` : ''}></chat-room>
<script src="${escapeHtml(chatUrl)}/widget.js" defer></script>
${user ? `<script type="module">document.querySelector('chat-room').tokenProvider = async () => (await (await fetch('/chat-token')).json()).token;</script>` : ''}`,
      ),
  };

  return createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://site');
    const user = userOf(req);
    const html = (body, status = 200) => res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    try {
      if (req.method === 'GET' && url.pathname === '/') return html(pages.home(user));
      const product = /^\/products\/(\d+)$/.exec(url.pathname)?.[1];
      if (req.method === 'GET' && product && PRODUCTS[product]) return html(await pages.product(user, product));
      if (req.method === 'GET' && url.pathname === '/chat-token') {
        if (!user) return res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"sign in first"}');
        return res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ token: await chatToken(user, appSecret) }));
      }
      if (req.method === 'POST' && url.pathname === '/login') {
        const name = new URLSearchParams(await body(req)).get('name')?.trim().slice(0, 40);
        if (!name) return html(pages.home(undefined), 400);
        const sid = randomBytes(18).toString('base64url');
        // The user's id in this site's system: what the chat shows as the member's userId.
        sessions.set(sid, { id: `user-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, name });
        return res.writeHead(303, { location: '/', 'set-cookie': `sid=${sid}; HttpOnly; SameSite=Lax; Path=/` }).end();
      }
      if (req.method === 'POST' && url.pathname === '/logout') {
        return res.writeHead(303, { location: '/', 'set-cookie': 'sid=; Max-Age=0; Path=/' }).end();
      }
      html('not found', 404);
    } catch (error) {
      console.error(error);
      html('something went wrong', 500);
    }
  });
}

async function body(req) {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 10_000) throw new Error('body too large');
  }
  return text;
}
