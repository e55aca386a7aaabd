// The app's settings route: its filters and pre-publish hook (docs/moderation.md).
import { z } from 'zod';
import type { AppSettings } from '../../auth/apps.js';
import { HOOK_FAIL_MODES, LINK_POLICIES, moderationPatchSchema, WORD_ACTIONS, type ModerationLimits } from '../../moderation/settings.js';
import type { DocKit, Paths } from './kit.js';

const appSettings = z.strictObject({
  guestsAllowed: z.boolean(),
  roomCreation: z.enum(['anyone', 'verified', 'none']),
  anonymousRestPosting: z.boolean(),
  blockedWords: z.array(z.string()),
  wordAction: z.enum(WORD_ACTIONS),
  linkPolicy: z.enum(LINK_POLICIES),
  mentionsMax: z.number().int().nullable(),
  hookUrl: z.string().nullable(),
  hookSecret: z.string().nullable(),
  hookTimeoutMs: z.number().int(),
  hookFailMode: z.enum(HOOK_FAIL_MODES),
  reportsToHide: z.number().int(),
  retentionDays: z.number().int().nullable().optional(),
}) satisfies z.ZodType<AppSettings>;

export function appSettingsPaths({ toJson, json, ok, errors, appSecret }: DocKit, limits: ModerationLimits): Paths {
  return {
    '/v1/app/settings': {
      get: {
        summary: 'App secret: the app’s settings, with its filters and pre-publish hook (and the hook’s secret)',
        security: appSecret,
        responses: { '200': ok('The settings', toJson(z.strictObject({ settings: appSettings }))), ...errors(401, 403) },
      },
      patch: {
        summary: 'App secret: change the app’s filters and pre-publish hook (docs/moderation.md); fields left out stay as they are',
        security: appSecret,
        requestBody: { required: true, ...json(toJson(moderationPatchSchema(limits), 'input')) },
        responses: { '200': ok('The settings now', toJson(z.strictObject({ settings: appSettings }))), ...errors(400, 401, 403, 413, 415) },
      },
    },
  };
}
