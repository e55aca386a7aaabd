import { parseArgs } from 'node:util';
import type { ChatServerConfig } from './config.js';
import type { Database } from './db.js';
import { migrateConcurrently } from './migrate.js';
import { publicEndpoint, WebhookEndpoints, type WebhookEndpoint } from './webhooks/endpoints.js';
import { WEBHOOK_EVENT_TYPES } from './webhooks/events.js';
import { DELIVERIES_PAGE_MAX } from './http/webhooks.routes.js';

export const WEBHOOKS_HELP = `Webhooks (signed POSTs to an app's backend; every command prints JSON; docs/webhooks.md):
  webhooks add --app <id> --url <u> [--event <type> ...] [--disabled]
                                  prints the endpoint with its signing secret (shown this once)
                                  events: ${WEBHOOK_EVENT_TYPES.join(', ')} (none given: all)
  webhooks list [--app <id>]      endpoints, without secrets
  webhooks remove <endpoint-id>   deletes the endpoint, its queue and its log
  webhooks enable|disable <endpoint-id>
  webhooks deliveries <endpoint-id> [--limit <n>]
                                  the endpoint's latest attempts, newest first`;

/** `roomchat-server webhooks ...` on the configured database: the thin shell around webhooks/endpoints.ts. */
export async function webhooksCommand(db: Database, config: ChatServerConfig, args: string[], print: (line: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      app: { type: 'string' },
      url: { type: 'string' },
      event: { type: 'string', multiple: true },
      disabled: { type: 'boolean' },
      limit: { type: 'string' },
    },
  });
  const [command, id] = positionals;
  await migrateConcurrently(db);
  const endpoints = new WebhookEndpoints(db, { endpointsPerApp: config.webhookEndpointsPerApp, allowPrivateAddresses: config.webhookAllowPrivateAddresses }, 0);
  const show = (value: unknown) => print(JSON.stringify(value, null, 2));
  /** The endpoint named on the command line, whichever app it belongs to. */
  const named = async (): Promise<WebhookEndpoint> => {
    if (!id) throw new Error(`webhooks ${command} needs an endpoint id (see webhooks list)`);
    const endpoint = (await endpoints.byIds([id])).get(id);
    if (!endpoint) throw new Error(`No webhook endpoint has the id "${id}"`);
    return endpoint;
  };
  switch (command) {
    case 'add': {
      if (!values.app) throw new Error('webhooks add needs --app <id> (see apps list)');
      if (!values.url) throw new Error('webhooks add needs --url <url>');
      if (!(await db('apps').where({ id: values.app }).first('id'))) throw new Error(`No app has the id "${values.app}"`);
      show(await endpoints.create(values.app, { url: values.url, events: values.event ?? [], enabled: !values.disabled }));
      return;
    }
    case 'list': {
      const apps: string[] = values.app ? [values.app] : (await db('apps').orderBy('created_at').select('id')).map((row: { id: string }) => row.id);
      const all = [];
      for (const app of apps) all.push(...(await endpoints.list(app)).map(publicEndpoint));
      show(all);
      return;
    }
    case 'remove': {
      const endpoint = await named();
      await endpoints.remove(endpoint.appId, endpoint.id);
      show({ deleted: endpoint.id });
      return;
    }
    case 'enable':
    case 'disable': {
      const endpoint = await named();
      show(publicEndpoint(await endpoints.setEnabled(endpoint.appId, endpoint.id, command === 'enable')));
      return;
    }
    case 'deliveries': {
      const endpoint = await named();
      const limit = Number(values.limit ?? 20);
      if (!Number.isInteger(limit) || limit < 1 || limit > DELIVERIES_PAGE_MAX) throw new Error(`--limit is a whole number from 1 to ${DELIVERIES_PAGE_MAX}`);
      show(await endpoints.deliveries(endpoint.appId, endpoint.id, limit));
      return;
    }
    default:
      throw new Error(`Unknown webhooks command "${command ?? ''}"\n\n${WEBHOOKS_HELP}`);
  }
}
