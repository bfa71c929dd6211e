import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { clientOf } from '../helpers/client.ts';
import { givenAccount, givenWorker } from '../helpers/factories.ts';
import type { TestGateway } from '../helpers/gateway.ts';
import { rowId } from '../helpers/rows.ts';
import { workerOf } from '../helpers/worker.ts';

/** The outTaskId both accounts use for a task of their own. */
export const SHARED_KEY = 'shared-key';

/** Victims' balances are at least this; no number of the stranger's comes near it. */
export const VICTIM_BALANCE_FLOOR = 900_000;

export interface Victim {
  accountId: string;
  apiKey: string;
  /** Its only outTaskId the stranger does not use too. */
  ownKey: string;
  /** A secret in the input, output and error of its tasks. */
  secret: string;
  tasks: { shared: string; agent: string; selfHosted: string; running: string; done: string; failed: string };
  /** The worker that holds `running`'s lease. */
  workerKey: string;
  /** Every value of its that must never reach another account: ids, cursors, keys, its name. */
  canaries: string[];
  /** Cursors of its rows in each connection, to page from as a stranger. */
  cursors: { task: string; event: string; eventStream: string };
  /** Global ids of its account and of a ledger entry, to refetch as a stranger. */
  nodes: { account: string; ledgerEntry: string };
}

export interface Stranger {
  accountId: string;
  apiKey: string;
  /** Its task under SHARED_KEY, an upscale PENDING one. */
  sharedTask: string;
  /** A COMPLETED task of its own, to read through every path. */
  doneTask: string;
}

export interface Tenants {
  victim: Victim;
  stranger: Stranger;
}

const CANARIES = `{
  account { ... on Account { id name ledger(first: 50) { edges { cursor node { id } } } } }
  tasks(first: 20) { ... on TaskConnection { edges { cursor node { id events(first: 10) { edges { cursor node { cursor } } } } } } }
}`;

interface CanaryData {
  account: { id: string; name: string; ledger: { edges: { cursor: string; node: { id: string } }[] } };
  tasks: { edges: { cursor: string; node: { id: string; events: { edges: { cursor: string; node: { cursor: string } }[] } } }[] };
}

/** Claims the oldest pending image-fast task, which must be `taskId`: fixtures leave no other pending. */
async function claimed(gateway: TestGateway, workerKey: string, taskId: string, progress: number) {
  const worker = workerOf(gateway, workerKey);
  expect((await worker.claim(['image-fast'], 3_600))?.id).toBe(taskId);
  await worker.progress(taskId, progress);
  return worker;
}

async function givenVictim(gateway: TestGateway): Promise<Victim> {
  const account = await givenAccount(987_654);
  const secret = `secret-${randomBytes(8).toString('hex')}`;
  const ownKey = `victim-only-${randomBytes(4).toString('hex')}`;
  const client = clientOf(gateway, account.apiKey);
  const { workerKey } = await givenWorker();
  const submit = async (model: string, outTaskId: string, runner = 'CLOUD') =>
    (await client.submit({ model, runner, outTaskId, input: { secret } })).id;

  const shared = await submit('video-hd', SHARED_KEY);
  const agent = await submit('agent-run', ownKey);
  const selfHosted = await submit('upscale', `${ownKey}-self-hosted`, 'SELF_HOSTED');
  const running = await submit('image-fast', `${ownKey}-running`);
  await claimed(gateway, workerKey, running, 0.123);
  const done = await submit('image-fast', `${ownKey}-done`);
  await (await claimed(gateway, workerKey, done, 0.5)).complete(done, { secret });
  const failed = await submit('image-fast', `${ownKey}-failed`);
  await (await claimed(gateway, workerKey, failed, 0.5)).fail(failed, secret);

  const res = await gateway.gql<CanaryData>(CANARIES, {}, account.apiKey);
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  const { ledger } = res.data.account;
  const tasks = res.data.tasks.edges;
  const events = tasks.flatMap((edge) => edge.node.events.edges);
  const taskIds = tasks.map((edge) => edge.node.id);
  return {
    accountId: account.accountId,
    apiKey: account.apiKey,
    ownKey,
    secret,
    tasks: { shared, agent, selfHosted, running, done, failed },
    workerKey,
    canaries: [
      account.accountId,
      account.apiKey,
      res.data.account.id,
      res.data.account.name,
      ownKey,
      secret,
      ...taskIds,
      ...taskIds.map(rowId),
      ...tasks.map((edge) => edge.cursor),
      ...ledger.edges.flatMap((edge) => [edge.cursor, edge.node.id]),
      ...events.flatMap((edge) => [edge.cursor, edge.node.cursor]),
    ],
    cursors: {
      task: tasks[0]?.cursor ?? '',
      event: events[0]?.cursor ?? '',
      eventStream: events[0]?.node.cursor ?? '',
    },
    nodes: { account: res.data.account.id, ledgerEntry: ledger.edges[0]?.node.id ?? '' },
  };
}

async function givenStranger(gateway: TestGateway): Promise<Stranger> {
  const account = await givenAccount(5_000);
  const client = clientOf(gateway, account.apiKey);
  const sharedTask = (await client.submit({ model: 'upscale', outTaskId: SHARED_KEY, input: { owner: 'stranger' } })).id;
  const doneTask = (await client.submit({ model: 'image-fast', outTaskId: 'stranger-done', input: { owner: 'stranger' } })).id;
  const { workerKey } = await givenWorker();
  await (await claimed(gateway, workerKey, doneTask, 0.5)).complete(doneTask, { owner: 'stranger' });
  return { accountId: account.accountId, apiKey: account.apiKey, sharedTask, doneTask };
}

/** Two accounts with tasks in every state; the stranger uses the victim's outTaskId for a task of its own. */
export async function givenTenants(gateway: TestGateway): Promise<Tenants> {
  return { victim: await givenVictim(gateway), stranger: await givenStranger(gateway) };
}
