import { describe, expect, it } from 'vitest';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { clientOf } from '../helpers/client.ts';
import { givenAccount } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { eventTypesOf } from '../helpers/rows.ts';

const gateway = useTestGateway();

/** Two accounts; A owns one task with an outTaskId that B also uses for its own task. */
async function givenTwoAccounts() {
  const [a, b] = [await givenAccount(500), await givenAccount(500)];
  const taskA = await clientOf(gateway, a.apiKey).submit({ model: 'video-hd', outTaskId: 'same-key', input: { owner: 'a' } });
  const taskB = await clientOf(gateway, b.apiKey).submit({ model: 'upscale', outTaskId: 'same-key', input: { owner: 'b' } });
  return { a, b, taskA, taskB };
}

describe('another account does not exist for the caller', () => {
  it('task(id) answers TaskNotFoundError, exactly as for an id never issued', async () => {
    const { b, taskA } = await givenTwoAccounts();
    const result = await clientOf(gateway, b.apiKey).task({ id: taskA.id });
    expect(result).toMatchObject({ __typename: 'TaskNotFoundError', code: 'TASK_NOT_FOUND', status: 404 });
  });

  it('task(outTaskId) finds only the caller\'s own task with that key', async () => {
    const { a, b, taskA, taskB } = await givenTwoAccounts();
    expect(await clientOf(gateway, a.apiKey).task({ outTaskId: 'same-key' })).toMatchObject({ id: taskA.id, input: { owner: 'a' } });
    expect(await clientOf(gateway, b.apiKey).task({ outTaskId: 'same-key' })).toMatchObject({ id: taskB.id, input: { owner: 'b' } });
  });

  it('cancelTask by id or outTaskId never touches the other account\'s task', async () => {
    const { b, taskA, taskB } = await givenTwoAccounts();
    const client = clientOf(gateway, b.apiKey);
    expect(await client.cancel({ taskId: taskA.id })).toMatchObject({ __typename: 'TaskNotFoundError' });
    expect(await client.cancel({ outTaskId: 'same-key' })).toMatchObject({ __typename: 'Task', id: taskB.id, state: 'CANCELLED' });
    expect(await eventTypesOf(taskA.id)).toEqual(['SUBMITTED']);
  });

  it('tasks lists only the caller\'s tasks', async () => {
    const { a, taskA } = await givenTwoAccounts();
    const res = await gateway.gql<{ tasks: { edges: { node: { id: string } }[] } }>(
      '{ tasks(first: 50) { ... on TaskConnection { edges { node { id } } } } }',
      {},
      a.apiKey,
    );
    expect(res.data?.tasks.edges.map((edge) => edge.node.id)).toEqual([taskA.id]);
  });

  it('account and its ledger show only the caller\'s credits', async () => {
    const { a, b } = await givenTwoAccounts();
    const res = await gateway.gql<{ account: { id: string; balance: number; ledger: { edges: { node: { amount: number; task: { input: { owner: string } } | null } }[] } } }>(
      '{ account { ... on Account { id balance ledger { edges { node { amount task { input } } } } } } }',
      {},
      b.apiKey,
    );
    expect(res.data?.account.id).toBe(encodeGlobalID('Account', b.accountId));
    expect(res.data?.account.balance).toBe(498);
    expect(res.data?.account.ledger.edges.map((edge) => edge.node.amount)).toEqual([-2, 500]);
    expect(res.data?.account.ledger.edges.map((edge) => edge.node.task?.input.owner ?? null)).toEqual(['b', null]);
    expect(res.data?.account.id).not.toBe(encodeGlobalID('Account', a.accountId));
  });

  it('node(id) resolves the caller\'s task and nothing of another account', async () => {
    const { a, b, taskA } = await givenTwoAccounts();
    const query = 'query($id: ID!) { node(id: $id) { __typename id ... on Task { state } } }';
    expect(await gateway.gql(query, { id: taskA.id }, a.apiKey)).toEqual({
      status: 200,
      data: { node: { __typename: 'Task', id: taskA.id, state: 'PENDING' } },
    });
    expect(await gateway.gql(query, { id: taskA.id }, b.apiKey)).toEqual({ status: 200, data: { node: null } });
    expect(await gateway.gql(query, { id: taskA.id })).toEqual({ status: 200, data: { node: null } });
  });
});
