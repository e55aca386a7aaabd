import { z } from 'zod';
import { adminRoomsQuery } from '../admin.routes.js';

type Json = Record<string, unknown>;

/** What openapi.ts lends this module: its helpers for JSON bodies, error responses and queries. */
interface Helpers {
  ok: (description: string, schema: Json) => Json;
  errors: (...statuses: number[]) => Json;
  query: (schema: z.ZodObject) => Json[];
  toJson: (schema: z.ZodType) => Json;
}

const adminRoom = z.strictObject({
  code: z.string(),
  key: z.string().nullable(),
  title: z.string().nullable(),
  private: z.boolean(),
  messages: z.number().int(),
  openReports: z.number().int(),
  lastActivityAt: z.iso.datetime(),
  createdAt: z.iso.datetime(),
});
const appRef = z.strictObject({ id: z.string(), name: z.string() });

/** The admin page's routes (admin.routes.ts, docs/admin.md): an admin token or the app secret. */
export function adminPaths({ ok, errors, query, toJson }: Helpers): Record<string, Json> {
  const security = [{ adminToken: [] }, { appSecret: [] }];
  return {
    '/v1/admin/session': {
      get: {
        summary: 'Admin token or app secret: the app the request acts for, and whether the token is a server admin’s (any app)',
        security,
        responses: { '200': ok('The session', toJson(z.strictObject({ app: appRef, serverAdmin: z.boolean() }))), ...errors(401, 403, 429) },
      },
    },
    '/v1/admin/apps': {
      get: {
        summary: 'Admin token or app secret: the apps the caller may pick (every app for a server admin; its own otherwise)',
        security,
        responses: { '200': ok('The apps', toJson(z.strictObject({ apps: z.array(appRef) }))), ...errors(401, 403, 429) },
      },
    },
    '/v1/admin/rooms': {
      get: {
        summary: 'Admin token or app secret: the app’s rooms, most recently active first (moderationPageSize), or those whose code is `q` or whose key starts with it',
        security,
        parameters: query(adminRoomsQuery),
        responses: { '200': ok('The rooms', toJson(z.strictObject({ rooms: z.array(adminRoom) }))), ...errors(400, 401, 403, 429) },
      },
    },
  };
}

/** The admin token's security scheme. */
export const adminTokenScheme = {
  type: 'http',
  scheme: 'bearer',
  bearerFormat: 'JWT',
  description: 'A token of `roomchat-server admin token` (docs/admin.md); also accepted wherever the app secret is',
};
