import { afterEach, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { OPERATION_LIMITS } from '../../src/http/operation-limits.ts';
import { clientOf } from '../helpers/client.ts';
import { givenAccount } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { subscribeWs, wsClient } from '../helpers/subscriptions.ts';

const gateway = useTestGateway();
const clients: Client[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.dispose();
});

const TOO_MANY_ALIASES = `{ ${Array.from({ length: OPERATION_LIMITS.aliases + 1 }, (_, i) => `m${i}: models { name }`).join(' ')} }`;
// graphql-js's single-field rule reads @include while validating, and throws when its variable is missing.
const MISSING_DIRECTIVE_VARIABLE = 'subscription($on: Boolean!) { taskEvents @include(if: $on) { cursor } }';

it.each([
  ['over the alias limit', TOO_MANY_ALIASES, /Aliases limit/],
  ['with a directive whose variable is missing', MISSING_DIRECTIVE_VARIABLE, /\$on/],
])('an operation %s gets its error over WebSocket; the socket and its other streams go on', async (_kind, query, message) => {
  const { apiKey } = await givenAccount(10);
  const client = clientOf(gateway, apiKey);
  const task = await client.submit({ model: 'upscale' });
  const socket = wsClient(gateway.url, apiKey);
  clients.push(socket);
  const updates = subscribeWs<{ taskUpdated: { state: string } }>(socket, 'subscription($id: ID) { taskUpdated(taskId: $id) { state } }', { id: task.id });
  expect((await updates.next())?.data?.taskUpdated.state).toBe('PENDING');

  const refused = await subscribeWs(socket, query).next();
  expect(refused?.errors?.[0]?.message).toMatch(message);

  await client.cancel({ taskId: task.id });
  expect((await updates.next())?.data?.taskUpdated.state).toBe('CANCELLED');
});
