import { describe, expect, it } from 'vitest';
import { db } from '../../src/db/client.ts';
import { givenAccount } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { putTaskInState, rowId } from '../helpers/rows.ts';
import { spendControlOf } from '../helpers/spend-control.ts';
import { subscribeSse } from '../helpers/subscriptions.ts';
import { waitUntil } from '../helpers/wait.ts';

const gateway = useTestGateway();

const COUNTS = 'matched cancelled refunded skipped { alreadyFinished pendingNotCancellable runnerNotSupported }';
const PREVIEW = `query($filter: TaskFilter!) { previewCancelTasks(filter: $filter) { __typename ... on BulkCancelPreview { ${COUNTS} } ... on Error { code } } }`;
const CANCEL_TASKS = `mutation($input: CancelTasksInput!) {
  cancelTasks(input: $input) { __typename ... on BulkCancel { id state clientKey ${COUNTS} } ... on Error { code } ... on BulkCancelConflictError { bulkCancelId } ... on InvalidParamError { param } }
}`;
const JOB = `query($id: ID!) { node(id: $id) { ... on BulkCancel { state ${COUNTS} } } }`;

interface Counts {
  matched: number;
  cancelled: number;
  refunded: number;
  skipped: { alreadyFinished: number; pendingNotCancellable: number; runnerNotSupported: number };
}

/** One account's tasks of every kind a bulk cancel meets, tagged `batch`, and one task outside it. */
async function givenBatch() {
  const account = await givenAccount(1_000_000);
  const client = spendControlOf(gateway, account.apiKey);
  const tagged = (input: Record<string, unknown>) => client.submit({ tags: ['batch', 'night'], metadata: { campaign: 'spring' }, ...input });
  const pending = await tagged({ model: 'image-fast' });
  const notCancellable = await tagged({ model: 'agent-run' });
  const selfHosted = await tagged({ model: 'upscale', runner: 'SELF_HOSTED' });
  const running = await tagged({ model: 'video-hd' });
  await putTaskInState(running.id ?? '', 'RUNNING', 0.7);
  const done = await tagged({ model: 'upscale' });
  await putTaskInState(done.id ?? '', 'COMPLETED');
  const outside = await client.submit({ model: 'image-fast', tags: ['night'] });
  return { account, client, ids: { pending, notCancellable, selfHosted, running, done, outside } };
}

describe('bulk cancel', () => {
  it("counts in a dry run exactly what the real run then does, on a set nobody else changes, and cancels only the filter's tasks", async () => {
    const { client, ids } = await givenBatch();
    const filter = { tags: ['batch'], metadata: { campaign: 'spring' } };
    const preview = await client.gql<{ previewCancelTasks: Counts }>(PREVIEW, { filter });
    const expected: Counts = { matched: 5, cancelled: 2, refunded: 4, skipped: { alreadyFinished: 1, pendingNotCancellable: 1, runnerNotSupported: 1 } };
    expect(preview.data?.previewCancelTasks).toMatchObject(expected);
    // Nothing changed by the dry run.
    expect((await db().task.findUniqueOrThrow({ where: { id: rowId(ids.pending.id ?? '') } })).state).toBe('PENDING');

    const started = await client.gql<{ cancelTasks: { id: string; state: string } }>(CANCEL_TASKS, { input: { filter, clientKey: 'night-batch', reason: 'cost ceiling tripped' } });
    const jobId = started.data?.cancelTasks.id ?? '';
    await waitUntil(async () => (await client.gql<{ node: { state: string } }>(JOB, { id: jobId })).data?.node.state === 'DONE', 10_000);
    const job = await client.gql<{ node: Counts }>(JOB, { id: jobId });
    expect(job.data?.node).toMatchObject(expected);

    const state = async (task: { id?: string }) => db().task.findUniqueOrThrow({ where: { id: rowId(task.id ?? '') } });
    expect(await state(ids.pending)).toMatchObject({ state: 'CANCELLED', cancelActorKind: 'BULK_JOB', cancelActorId: rowId(jobId), cancelReason: 'cost ceiling tripped' });
    // video-hd at 0.7, past its cutoff of 0.5: cancelled, and charged.
    expect(await state(ids.running)).toMatchObject({ state: 'CANCELLED', creditsUsed: 120 });
    expect(await state(ids.outside)).toMatchObject({ state: 'PENDING' });
    expect(await state(ids.notCancellable)).toMatchObject({ state: 'PENDING' });
  });

  it('is idempotent by its client key, and refuses the key with another filter', async () => {
    const { client } = await givenBatch();
    const input = { filter: { tags: ['batch'] }, clientKey: 'k1' };
    const first = await client.gql<{ cancelTasks: { id: string } }>(CANCEL_TASKS, { input });
    const again = await client.gql<{ cancelTasks: { id: string } }>(CANCEL_TASKS, { input });
    expect(again.data?.cancelTasks.id).toBe(first.data?.cancelTasks.id);
    const other = await client.gql<{ cancelTasks: { __typename: string; bulkCancelId?: string } }>(CANCEL_TASKS, { input: { ...input, filter: { tags: ['night'] } } });
    expect(other.data?.cancelTasks).toEqual({ __typename: 'BulkCancelConflictError', code: 'BULK_CANCEL_CONFLICT', bulkCancelId: first.data?.cancelTasks.id });
  });

  it("shows its progress as its tasks' CANCELLED events, naming the job", async () => {
    const { account, client } = await givenBatch();
    const stream = await subscribeSse<{ taskEvents: { type: string; cancellation: { actor: { kind: string; id: string } } | null } }>(
      gateway.url,
      account.apiKey,
      'subscription { taskEvents(filter: { types: [CANCELLED], task: { tags: ["batch"] } }) { type cancellation { actor { kind id } } } }',
    );
    try {
      const started = await client.gql<{ cancelTasks: { id: string } }>(CANCEL_TASKS, { input: { filter: { tags: ['batch'] }, clientKey: 'watched' } });
      const events = await stream.take(2, 10_000);
      for (const event of events) expect(event.data?.taskEvents.cancellation?.actor).toEqual({ kind: 'BULK_JOB', id: started.data?.cancelTasks.id });
    } finally {
      await stream.close();
    }
  });
});

describe('metadata and tags', () => {
  it('are kept as submitted and filter tasks, with created and updated ranges', async () => {
    const { client, ids } = await givenBatch();
    const list = async (filter: Record<string, unknown>) => {
      const res = await client.gql<{ tasks: { edges: { node: { id: string } }[] } }>(
        'query($filter: TaskFilter) { tasks(first: 50, filter: $filter) { ... on TaskConnection { edges { node { id } } } } }',
        { filter },
      );
      return (res.data?.tasks.edges.map((edge) => edge.node.id) ?? []).sort();
    };
    const batch = [ids.pending, ids.notCancellable, ids.selfHosted, ids.running, ids.done].map((task) => task.id ?? '').sort();
    expect(await list({ tags: ['batch'] })).toEqual(batch);
    expect(await list({ tags: ['batch', 'night'] })).toEqual(batch);
    expect(await list({ tags: ['night'] })).toEqual([...batch, ids.outside.id ?? ''].sort());
    expect(await list({ metadata: { campaign: 'spring' }, states: ['RUNNING'] })).toEqual([ids.running.id]);
    expect(await list({ metadata: { campaign: 'autumn' } })).toEqual([]);
    expect(await list({ createdFrom: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
    expect((await list({ updatedBefore: new Date(Date.now() + 60_000).toISOString(), models: ['video-hd'] })).length).toBe(1);

    const read = await client.gql<{ task: { metadata: unknown; tags: string[] } }>('query($id: ID!) { task(id: $id) { ... on Task { metadata tags } } }', { id: ids.pending.id });
    expect(read.data?.task).toEqual({ metadata: { campaign: 'spring' }, tags: ['batch', 'night'] });
  });

  it('refuse what cannot be kept, naming it, and take part in idempotency', async () => {
    const { client } = await givenBatch();
    const refused = async (input: Record<string, unknown>) => (await client.submit({ model: 'upscale', ...input })).param;
    expect(await refused({ tags: ['no spaces'] })).toBe('input.tags.0');
    expect(await refused({ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) })).toBe('input.tags');
    expect(await refused({ metadata: { n: 1 } })).toBe('input.metadata.n');
    expect(await refused({ metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) })).toBe('input.metadata');
    expect(await refused({ metadata: ['a'] })).toBe('input.metadata');
    await client.submit({ model: 'upscale', outTaskId: 'same', tags: ['a'] });
    expect((await client.submit({ model: 'upscale', outTaskId: 'same', tags: ['a'] })).__typename).toBe('Task');
    expect((await client.submit({ model: 'upscale', outTaskId: 'same', tags: ['b'] })).__typename).toBe('IdempotencyConflictError');
  });
});
