// The building blocks each resource's route documentation is written with: JSON Schema from zod,
// bodies, responses, errors and the parameters routes share.
import { z } from 'zod';
import type { SchemaName } from './schemas.js';

export type Json = Record<string, unknown>;
/** What a resource's paths are: OpenAPI path items by path template. */
export type Paths = Record<string, Json>;

export function docKit() {
  const ref = (id: SchemaName) => ({ $ref: `#/components/schemas/${id}` });
  const toJson = (schema: z.ZodType, io: 'input' | 'output' = 'output'): Json => {
    const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
    return rest;
  };
  const json = (schema: Json) => ({ content: { 'application/json': { schema } } });
  const ok = (description: string, schema: Json) => ({ description, ...json(schema) });
  const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((status) => [String(status), { $ref: `#/components/responses/Error${status}` }]));
  const query = (schema: z.ZodObject) =>
    Object.entries(schema.shape).map(([name, field]) => ({ name, in: 'query', required: !(field as z.ZodType).safeParse(undefined).success, schema: toJson(field as z.ZodType, 'input') }));
  const codeParam = { name: 'code', in: 'path', required: true, description: 'The room code (the capability to read and post).', schema: { type: 'string', maxLength: 64 } };
  const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
  const roomsWithCode = { parameters: [codeParam] };
  // Routes for the site's backend only: Authorization: Roomchat-Secret <app secret>.
  const appSecret = [{ appSecret: [] }];
  const userParam = { name: 'user', in: 'path', required: true, description: 'A user of the app (the `sub` its tokens carry).', schema: { type: 'string', maxLength: 255 } };
  return { ref, toJson, json, ok, errors, query, codeParam, idParam, roomsWithCode, appSecret, userParam };
}
export type DocKit = ReturnType<typeof docKit>;
