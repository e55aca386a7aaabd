// Webhook endpoint routes (docs/webhooks.md), for the site's backend.
import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES } from '../../webhooks/events.js';
import { webhookSchemas } from '../webhooks.routes.js';
import { time } from './schemas.js';
import type { DocKit, Paths } from './kit.js';

const webhookEndpoint = z.strictObject({
  id: z.string(),
  appId: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  enabled: z.boolean(),
  createdAt: time,
});
const webhookDelivery = z.strictObject({
  eventId: z.string(),
  type: z.string(),
  attempt: z.number().int(),
  outcome: z.enum(['delivered', 'retrying', 'failed']),
  status: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().int(),
  at: time,
});

export function webhookPaths({ toJson, json, ok, errors, query, idParam, appSecret }: DocKit): Paths {
  return {
    '/v1/webhooks': {
      post: {
        summary: 'App secret: add a webhook endpoint; the answer is the only time its signing secret is shown (docs/webhooks.md)',
        security: appSecret,
        requestBody: { required: true, ...json(toJson(webhookSchemas.newEndpoint, 'input')) },
        responses: { '201': ok('The endpoint, with its secret', toJson(z.strictObject({ endpoint: webhookEndpoint.extend({ secret: z.string() }) }))), ...errors(400, 401, 403, 429) },
      },
      get: { summary: 'App secret: the app’s webhook endpoints, without secrets', security: appSecret, responses: { '200': ok('The endpoints', toJson(z.strictObject({ endpoints: z.array(webhookEndpoint) }))), ...errors(401, 403, 429) } },
    },
    '/v1/webhooks/{id}': {
      parameters: [idParam],
      delete: { summary: 'App secret: delete a webhook endpoint, with its queue and log', security: appSecret, responses: { '200': ok('Deleted', toJson(z.strictObject({ deleted: z.string() }))), ...errors(401, 403, 404, 429) } },
    },
    '/v1/webhooks/{id}/deliveries': {
      parameters: [idParam],
      get: {
        summary: 'App secret: the endpoint’s latest delivery attempts, newest first (kept: webhookLogPerEndpoint)',
        security: appSecret,
        parameters: query(webhookSchemas.deliveriesQuery),
        responses: { '200': ok('The attempts', toJson(z.strictObject({ deliveries: z.array(webhookDelivery) }))), ...errors(400, 401, 403, 404, 429) },
      },
    },
    '/v1/webhooks/{id}/ping': {
      parameters: [idParam],
      post: {
        summary: 'App secret: queue a `ping` event for the endpoint (whatever its event types), to test the receiver',
        security: appSecret,
        responses: { '202': ok('Queued', toJson(z.strictObject({ eventId: z.string() }))), ...errors(401, 403, 404, 429) },
      },
    },
  };
}
