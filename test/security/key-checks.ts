import { expect } from 'vitest';
import { db } from '../../src/db/client.ts';
import type { TestGateway } from '../helpers/gateway.ts';
import { subscribeSse, subscribeWs, wsClient } from '../helpers/subscriptions.ts';
import type { KeyWorld, RootCall } from './key-calls.ts';

/** The field's own answer in a response: `data[field]`. */
function answerOf(coordinate: string, data: Record<string, unknown> | undefined): unknown {
  return data?.[coordinate.split('.')[1] ?? ''];
}

/** Refused as a missing key is: InvalidApiKeyError from a result union; null from `node`, which has none. */
export function isRefused(coordinate: string, data: Record<string, unknown> | undefined): boolean {
  const answer = answerOf(coordinate, data);
  if (coordinate === 'Query.node') return answer === null;
  return typeof answer === 'object' && answer !== null && '__typename' in answer && answer.__typename === 'InvalidApiKeyError';
}

/** What a call could change: the account's balance and every task's state, lease and history. */
async function stateOf(world: KeyWorld): Promise<unknown> {
  const [account, tasks, events] = await Promise.all([
    db().account.findUniqueOrThrow({ where: { id: world.accountId }, select: { balance: true } }),
    db().task.findMany({ where: { accountId: world.accountId }, select: { id: true, state: true, progress: true, leaseOwner: true }, orderBy: { id: 'asc' } }),
    db().taskEvent.count({ where: { accountId: world.accountId } }),
  ]);
  return { account, tasks, events };
}

/** Calls a query or mutation field with `key`: it must be refused, and change nothing. */
export async function expectRefusedOverHttp(gateway: TestGateway, coordinate: string, call: RootCall, world: KeyWorld, key: string | undefined) {
  const before = await stateOf(world);
  const res = await gateway.gql(call.query, call.variables(world), key);
  expect(isRefused(coordinate, res.data), JSON.stringify(res)).toBe(true);
  expect(await stateOf(world)).toEqual(before);
}

/** The same call with the right key is not refused: the refusal above is the key's doing. */
export async function expectServedOverHttp(gateway: TestGateway, coordinate: string, call: RootCall, world: KeyWorld, key: string) {
  const res = await gateway.gql(call.query, call.variables(world), key);
  expect(res.errors).toBeUndefined();
  expect(isRefused(coordinate, res.data), JSON.stringify(res)).toBe(false);
}

/** A subscription with `key`: INVALID_API_KEY over SSE, and the WebSocket connection refused (4403). */
export async function expectSubscriptionRefused(gateway: TestGateway, call: RootCall, world: KeyWorld, key: string | undefined) {
  const overSse = await subscribeSse(gateway.url, key, call.query, call.variables(world));
  try {
    expect((await overSse.next())?.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_API_KEY', status: 401 });
  } finally {
    await overSse.close();
  }
  const client = wsClient(gateway.url, key);
  try {
    const overWs = subscribeWs(client, call.query, call.variables(world));
    const refused = await overWs.next();
    expect(refused?.data).toBeUndefined();
    expect(refused?.errors?.[0]?.message).toMatch(/^4403\b/);
  } finally {
    await client.dispose();
  }
}
