import { encodeGlobalID } from '@pothos/plugin-relay';
import { expect } from 'vitest';
import type { TestGateway } from '../helpers/gateway.ts';
import { balanceOf } from '../helpers/rows.ts';
import type { FuzzWorld } from './fuzz-world.ts';

const AFTER_STORM = `query After($id: ID!) {
  models { name price }
  account { __typename ... on Account { id balance } }
  task(id: $id) { __typename ... on Task { id } }
}`;

interface AfterStorm {
  models: { name: string; price: number }[];
  account: { __typename: string; id: string; balance: number };
  task: { __typename: string; id: string };
}

/** After a storm, ordinary operations get right answers: the catalog, the balance as the ledger has it, a task by id. */
export async function expectStillServing(gateway: TestGateway, world: FuzzWorld): Promise<void> {
  const res = await gateway.gql<AfterStorm>(AFTER_STORM, { id: world.knownTaskId }, world.apiKey);
  expect(res.status).toBe(200);
  expect(res.errors).toBeUndefined();
  expect(res.data?.models).toEqual(
    expect.arrayContaining([
      { name: 'image-fast', price: 4 },
      { name: 'video-hd', price: 120 },
      { name: 'upscale', price: 2 },
      { name: 'agent-run', price: 25 },
    ]),
  );
  expect(res.data?.account).toEqual({ __typename: 'Account', id: encodeGlobalID('Account', world.accountId), balance: await balanceOf(world.accountId) });
  expect(res.data?.task).toEqual({ __typename: 'Task', id: world.knownTaskId });
}
