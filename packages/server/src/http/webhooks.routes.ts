import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import { z } from 'zod';
import type { ChatServerConfig } from '../config.js';
import { parsePayload } from '../schemas.js';
import { publicEndpoint } from '../webhooks/endpoints.js';
import { WEBHOOK_EVENT_TYPES } from '../webhooks/events.js';
import type { Webhooks } from '../webhooks/webhooks.js';
import { requestState, appOnly } from './app.middleware.js';

/** Deliveries one page of an endpoint's log may hold. */
export const DELIVERIES_PAGE_MAX = 100;

/** The request schemas of the webhook routes (also the OpenAPI document's). */
export const webhookSchemas = {
  newEndpoint: z.strictObject({
    url: z.string().max(2048),
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).max(WEBHOOK_EVENT_TYPES.length * 2).optional(),
    enabled: z.boolean().optional(),
  }),
  deliveriesQuery: z.object({ limit: z.coerce.number().int().min(1).max(DELIVERIES_PAGE_MAX).optional() }),
};

interface Deps {
  webhooks: Webhooks;
  config: ChatServerConfig;
}

/**
 * The app's webhook endpoints, for its backend only (`Authorization: Roomchat-Secret <app
 * secret>`): create (the answer is the one time the endpoint's signing secret is shown), list,
 * delete, read the delivery log, send a test ping. docs/webhooks.md#the-api.
 */
export function webhooksRouter({ webhooks, config }: Deps): Router {
  const router = new Router({ prefix: '/v1/webhooks' });
  const json = bodyParser({ enableTypes: ['json'], jsonLimit: config.httpJsonMaxBytes, encoding: 'utf-8' });
  router.use(appOnly);
  const appOf = (ctx: Parameters<typeof requestState>[0]) => requestState(ctx).app.id;

  router.post('/', json, async (ctx) => {
    const wanted = parsePayload(webhookSchemas.newEndpoint, ctx.request.body ?? {});
    ctx.status = 201;
    ctx.body = { endpoint: await webhooks.endpoints.create(appOf(ctx), wanted) };
  });

  router.get('/', async (ctx) => {
    ctx.body = { endpoints: (await webhooks.endpoints.list(appOf(ctx))).map(publicEndpoint) };
  });

  router.delete('/:id', async (ctx) => {
    await webhooks.endpoints.remove(appOf(ctx), ctx.params.id!);
    ctx.body = { deleted: ctx.params.id };
  });

  router.get('/:id/deliveries', async (ctx) => {
    const { limit = 20 } = parsePayload(webhookSchemas.deliveriesQuery, ctx.query);
    ctx.body = { deliveries: await webhooks.endpoints.deliveries(appOf(ctx), ctx.params.id!, limit) };
  });

  router.post('/:id/ping', async (ctx) => {
    const endpoint = await webhooks.endpoints.get(appOf(ctx), ctx.params.id!);
    ctx.status = 202;
    ctx.body = { eventId: await webhooks.ping(endpoint) };
  });

  return router;
}
