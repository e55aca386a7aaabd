import Router, { type RouterContext } from '@koa/router';
import getRawBody from 'raw-body';
import { ErrorCode, MEMBER_HEADER } from '@roomchat/protocol';
import { isReservedMemberId, principalOf, publicMemberId } from '../auth/members.js';
import type { Chat } from '../chat/chat.js';
import type { ChatServerConfig } from '../config.js';
import { ChatError } from '../errors.js';
import { requestState, requireGuestsOrUser } from './app.middleware.js';

interface Deps {
  chat: Chat;
  config: ChatServerConfig;
}

/** A guest by the private member id it names (Roomchat-Member): direct rooms admit guests by it. */
function guestVisitor(memberId: string): { sub: string } | undefined {
  if (!memberId || memberId.length > 64 || !/^[\w.:-]+$/.test(memberId) || isReservedMemberId(memberId)) return undefined;
  return { sub: principalOf({ id: publicMemberId(memberId) }) };
}

/** Uploading images to a room (raw bytes as the body) and serving them back. */
export function imagesRouter({ chat, config }: Deps): Router {
  const router = new Router();

  router.post('/v1/rooms/:code/images', async (ctx) => {
    const state = requestState(ctx);
    requireGuestsOrUser(state);
    const room = await chat.openRoom(ctx.params.code!, ctx.ip, undefined, state.app.id);
    await chat.access.check(room, state.identity ?? guestVisitor(ctx.get(MEMBER_HEADER)));
    await chat.rateLimits.uploads.consume(`ip:${ctx.ip}`);
    // raw-body refuses a declared Content-Length over the limit before reading, and stops
    // reading at the limit otherwise (413 either way).
    const length = ctx.request.length;
    const bytes = await getRawBody(ctx.req, { limit: config.imageMaxBytes, ...(length === undefined ? {} : { length }) });
    if (bytes.length === 0) throw new ChatError(ErrorCode.INVALID_PAYLOAD, 'The upload is empty');
    ctx.status = 201;
    ctx.body = { image: await chat.uploadImage(room, bytes) };
  });

  const serve = (variant: 'original' | 'thumbnail') => async (ctx: RouterContext) => {
    const image = await chat.images.privacy(ctx.params.id!);
    if (!image) throw new ChatError(ErrorCode.IMAGE_NOT_FOUND, 'No image with that id');
    // A private room's image only by a signed URL its members were handed (image-urls.ts), and
    // kept by browsers alone and no longer than the URL lives.
    const secondsLeft = image.private ? chat.imageUrls.verify(ctx.path, ctx.query.exp, ctx.query.sig) : undefined;
    const content = await chat.images.content(ctx.params.id!, variant);
    if (!content) throw new ChatError(ErrorCode.IMAGE_NOT_FOUND, 'No image with that id');
    ctx.set('X-Content-Type-Options', 'nosniff');
    // An image never changes under its id.
    ctx.set('Cache-Control', secondsLeft === undefined ? 'public, max-age=31536000, immutable' : `private, max-age=${secondsLeft}, immutable`);
    ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
    ctx.etag = content.etag;
    ctx.type = content.mime;
    ctx.status = 200; // koa judges freshness only for a 2xx response
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.body = content.data;
  };
  router.get('/v1/images/:id', serve('original'));
  router.get('/v1/images/:id/thumbnail', serve('thumbnail'));

  return router;
}
