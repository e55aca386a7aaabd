import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Apps } from '../auth/apps.js';
import type { ChatServerConfig } from '../config.js';
import { moderationPatchSchema } from '../moderation/settings.js';
import { parsePayload } from '../schemas.js';
import { requestState, appOnly } from './app.middleware.js';

interface Deps {
  apps: Apps;
  config: ChatServerConfig;
}

/**
 * /v1/app/settings, for the site's backend with its app secret: read the app's settings, and
 * change its filters and pre-publish hook (docs/moderation.md). The other settings (guests, room
 * creation, origins) stay with the operator's CLI.
 */
export function appSettingsRouter({ apps, config }: Deps): Router {
  const router = new Router({ prefix: '/v1/app' });
  const json = bodyParser({ enableTypes: ['json'], jsonLimit: config.httpJsonMaxBytes, encoding: 'utf-8' });
  const patchSchema = moderationPatchSchema(config);
  router.use(appOnly);

  router.get('/settings', (ctx) => {
    // The caller holds the app secret, so the hook's secret (which it needs to verify calls) is shown.
    ctx.body = { settings: requestState(ctx).app.settings };
  });

  router.patch('/settings', json, async (ctx) => {
    const patch = parsePayload(patchSchema, ctx.request.body ?? {});
    ctx.body = { settings: (await apps.setModeration(requestState(ctx).app.id, patch)).settings };
  });

  return router;
}
