import { describe, expect, it } from 'vitest';
import { db, pool } from '../../src/db/client.ts';
import { submitTask } from '../../src/services/submit-task.ts';
import { clientOf, type SubmitInput } from '../helpers/client.ts';
import { givenAccount, givenWorker } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { subscribeSse } from '../helpers/subscriptions.ts';
import { balanceOf, eventTypesOf, rowId } from '../helpers/rows.ts';
import { waitUntil } from '../helpers/wait.ts';
import { workerOf } from '../helpers/worker.ts';

const MAX_RUNNING = 3;
const gateway = useTestGateway({ env: { TASKGATE_MAX_RUNNING_PER_ACCOUNT: String(MAX_RUNNING) } });

const SCHEDULE = 'id state priority startDeadline maxRunSeconds runDeadline claimableAt attempts creditsUsed cancelledBy { kind } cancelReason';

interface Scheduled {
  id: string;
  state: string;
  priority: number;
  startDeadline: string | null;
  maxRunSeconds: number | null;
  runDeadline: string | null;
  claimableAt: string;
  attempts: number;
  creditsUsed: number | null;
  cancelledBy: { kind: string } | null;
  cancelReason: string | null;
}

let models = 0;

/**
 * A catalog entry of the test's own, so its queue holds only the test's
 * tasks: the retry policy and cutoff are the catalog's data, set here as an
 * operator would.
 */
async function givenModel(policy: { price?: number; refundCutoff?: number; maxAttempts?: number; retryBaseSeconds?: number; retryJitter?: number } = {}): Promise<string> {
  models += 1;
  const name = `scheduling-${models}`;
  await pool().query(
    `INSERT INTO "Model" (name, price, "pendingCancel", "refundCutoff", "maxAttempts", "retryBaseSeconds", "retryJitter") VALUES ($1, $2, 'FREE', $3, $4, $5, $6)`,
    [name, policy.price ?? 10, policy.refundCutoff ?? 0.5, policy.maxAttempts ?? 3, policy.retryBaseSeconds ?? 0, policy.retryJitter ?? 0],
  );
  return name;
}

async function scheduled(apiKey: string, id: string): Promise<Scheduled> {
  const res = await gateway.gql<{ task: Scheduled }>(`query($id: ID) { task(id: $id) { ... on Task { ${SCHEDULE} } } }`, { id }, apiKey);
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return res.data.task;
}

async function submitted(apiKey: string, input: SubmitInput): Promise<string> {
  const task = await clientOf(gateway, apiKey).submit(input);
  if (task.__typename !== 'Task') throw new Error(JSON.stringify(task));
  return task.id;
}

/** A claim of `model` only, long-polling for `waitSeconds` when given. */
function claim(workerKey: string, model: string, waitSeconds?: number) {
  return workerOf(gateway, workerKey).claim([model], undefined, waitSeconds);
}

function failRetryable(workerKey: string, taskId: string, retryable: boolean) {
  return workerOf(gateway, workerKey).fail(taskId, 'GPU lost', undefined, retryable);
}

describe('fair claims across accounts', () => {
  it("claims a small account's 10 tasks within 21 claims while a busy account has 10,000 queued before them", async () => {
    const model = await givenModel({ price: 1 });
    const busy = await givenAccount(20_000);
    const quiet = await givenAccount(100);
    const submitBusy = (): Promise<unknown> =>
      submitTask({ accountId: busy.accountId, apiKeyId: null, model, runner: 'CLOUD', input: {}, outTaskId: null, metadata: {}, tags: [], schedule: { priority: 0, startWithinSeconds: null, maxRunSeconds: null } });
    for (let done = 0; done < 10_000; done += 50) await Promise.all(Array.from({ length: 50 }, submitBusy));
    const quietTasks = new Set<string>();
    for (let n = 0; n < 10; n++) quietTasks.add(await submitted(quiet.apiKey, { model, input: { n } }));

    const { workerKey } = await givenWorker();
    const worker = workerOf(gateway, workerKey);
    let claims = 0;
    while (quietTasks.size > 0 && claims < 100) {
      const task = await claim(workerKey, model);
      if (!task?.id) throw new Error(`nothing to claim: ${JSON.stringify(task)}`);
      claims += 1;
      quietTasks.delete(task.id);
      await worker.complete(task.id, {});
    }
    expect(quietTasks.size).toBe(0);
    expect(claims).toBeLessThanOrEqual(21);
  });

  it(`never lets one account run more than ${MAX_RUNNING} tasks, however many workers claim at once, and passes over it to the next account`, async () => {
    const model = await givenModel();
    const crowded = await givenAccount(1_000);
    const other = await givenAccount(1_000);
    for (let n = 0; n < 10; n++) await submitted(crowded.apiKey, { model, input: { n } });
    const workers = await Promise.all(Array.from({ length: 8 }, () => givenWorker()));

    const answers = await Promise.all(workers.map(({ workerKey }) => claim(workerKey, model)));
    const claimed = answers.filter((answer) => answer?.__typename === 'Task');
    expect(claimed).toHaveLength(MAX_RUNNING);
    expect(answers.filter((answer) => answer === null)).toHaveLength(8 - MAX_RUNNING);
    expect((await db().account.findUniqueOrThrow({ where: { id: crowded.accountId } })).runningTasks).toBe(MAX_RUNNING);

    const otherTask = await submitted(other.apiKey, { model });
    expect((await claim(workers[0]?.workerKey ?? '', model))?.id).toBe(otherTask);
    // A finished task frees a place: the crowded account's next one can be claimed.
    const first = claimed[0]?.id ?? '';
    const holder = workers[answers.findIndex((answer) => answer?.id === first)]?.workerKey ?? '';
    await workerOf(gateway, holder).complete(first, {});
    expect((await claim(holder, model))?.__typename).toBe('Task');
    expect(await claim(holder, model)).toBeNull();
  });
});

describe('priority', () => {
  it('puts each point of priority ahead of one more task of the queue, so low priority only waits longer', async () => {
    const model = await givenModel();
    const account = await givenAccount(1_000);
    const low = await submitted(account.apiKey, { model, priority: -5 });
    const normal: string[] = [];
    for (let n = 0; n < 8; n++) normal.push(await submitted(account.apiKey, { model, input: { n } }));
    const urgent = await submitted(account.apiKey, { model, priority: 100 });

    const { workerKey } = await givenWorker();
    const worker = workerOf(gateway, workerKey);
    const order: string[] = [];
    for (let task = await claim(workerKey, model); task?.id; task = await claim(workerKey, model)) {
      order.push(task.id);
      await worker.complete(task.id, {});
    }
    expect(order).toHaveLength(10);
    expect(order[0]).toBe(urgent);
    // Five places behind where it was submitted: after the urgent one and four or five normal ones, by its tie with the fifth.
    expect([5, 6]).toContain(order.indexOf(low));
    expect(order.filter((id) => id !== low && id !== urgent)).toEqual(normal);
    expect((await scheduled(account.apiKey, low)).priority).toBe(-5);
  });

  it('refuses a priority outside -100..100 with InvalidParamError, and submits nothing', async () => {
    const model = await givenModel();
    const account = await givenAccount(1_000);
    for (const priority of [101, -101]) {
      expect(await clientOf(gateway, account.apiKey).submit({ model, priority })).toMatchObject({
        __typename: 'InvalidParamError',
        param: 'input.priority',
      });
    }
    expect(await balanceOf(account.accountId)).toBe(1_000);
    expect(await db().task.count({ where: { accountId: account.accountId } })).toBe(0);
  });
});

describe('deadlines', () => {
  it('ends a task still PENDING at its start deadline CANCELLED, free, by DEADLINE', async () => {
    const model = await givenModel({ price: 30 });
    const account = await givenAccount(100);
    const id = await submitted(account.apiKey, { model, startWithinSeconds: 1 });
    const before = await scheduled(account.apiKey, id);
    expect(before).toMatchObject({ state: 'PENDING', startDeadline: expect.any(String) as string });
    expect(await balanceOf(account.accountId)).toBe(70);

    await waitUntil(async () => (await scheduled(account.apiKey, id)).state === 'CANCELLED');
    const ended = await scheduled(account.apiKey, id);
    expect(ended).toMatchObject({ creditsUsed: null, cancelledBy: { kind: 'DEADLINE' }, cancelReason: expect.stringMatching(/start deadline/) as string });
    expect(Date.parse(ended.startDeadline ?? '')).toBeGreaterThanOrEqual(Date.parse(before.startDeadline ?? ''));
    expect(await balanceOf(account.accountId)).toBe(100);
    expect(await eventTypesOf(id)).toEqual(['SUBMITTED', 'CANCELLED']);
  });

  it('cancels a task past its maximum running time under the cutoff rule, tells its worker, and refuses the worker after', async () => {
    const model = await givenModel({ price: 40, refundCutoff: 0.5 });
    const account = await givenAccount(100);
    const { workerKey } = await givenWorker();
    const worker = workerOf(gateway, workerKey);
    const stream = await subscribeSse<{ cancelledTasks: { task: { id: string }; cancellation: { actor: { kind: string } } } }>(
      gateway.url,
      workerKey,
      'subscription { cancelledTasks { task { id } cancellation { actor { kind } } } }',
    );
    try {
      const early = await submitted(account.apiKey, { model, maxRunSeconds: 1 });
      const late = await submitted(account.apiKey, { model, maxRunSeconds: 1 });
      expect((await claim(workerKey, model))?.id).toBe(early);
      expect((await claim(workerKey, model))?.id).toBe(late);
      expect((await scheduled(account.apiKey, early)).runDeadline).not.toBeNull();
      await worker.progress(early, 0.2);
      await worker.progress(late, 0.7);

      const told = [await stream.next(), await stream.next()].map((result) => result?.data?.cancelledTasks);
      expect(new Set(told.map((event) => event?.task.id))).toEqual(new Set([early, late]));
      expect(told.map((event) => event?.cancellation.actor.kind)).toEqual(['DEADLINE', 'DEADLINE']);

      // Below the cutoff, refunded in full; past it, charged.
      expect(await scheduled(account.apiKey, early)).toMatchObject({ state: 'CANCELLED', creditsUsed: null, cancelledBy: { kind: 'DEADLINE' } });
      expect(await scheduled(account.apiKey, late)).toMatchObject({ state: 'CANCELLED', creditsUsed: 40, cancelledBy: { kind: 'DEADLINE' } });
      expect(await balanceOf(account.accountId)).toBe(60);
      expect(await worker.progress(early, 0.3)).toMatchObject({ __typename: 'LeaseLostError', taskState: 'CANCELLED' });
      expect((await db().account.findUniqueOrThrow({ where: { id: account.accountId } })).runningTasks).toBe(0);
    } finally {
      await stream.close();
    }
  });

  it('refuses deadlines of 0 or over a week, and a maximum running time on a runner it cannot stop, changing nothing', async () => {
    const model = await givenModel();
    const account = await givenAccount(1_000);
    const client = clientOf(gateway, account.apiKey);
    expect(await client.submit({ model, startWithinSeconds: 0 })).toMatchObject({ __typename: 'InvalidParamError', param: 'input.startWithinSeconds' });
    expect(await client.submit({ model, maxRunSeconds: 7 * 86_400 + 1 })).toMatchObject({ __typename: 'InvalidParamError', param: 'input.maxRunSeconds' });
    expect(await client.submit({ model, runner: 'SELF_HOSTED', maxRunSeconds: 60 })).toMatchObject({ __typename: 'InvalidParamError', param: 'input.maxRunSeconds' });
    expect(await balanceOf(account.accountId)).toBe(1_000);
    expect(await db().task.count({ where: { accountId: account.accountId } })).toBe(0);
  });
});

describe('retry policy', () => {
  it("puts a retryable failure back after the model's backoff, and fails it with a full refund at the last attempt", async () => {
    const model = await givenModel({ price: 25, maxAttempts: 2, retryBaseSeconds: 1 });
    const account = await givenAccount(100);
    const { workerKey } = await givenWorker();
    const id = await submitted(account.apiKey, { model });

    expect((await claim(workerKey, model))?.id).toBe(id);
    const failedAt = Date.now();
    expect(await failRetryable(workerKey, id, true)).toMatchObject({ __typename: 'Task', state: 'PENDING' });
    const waiting = await scheduled(account.apiKey, id);
    expect(Date.parse(waiting.claimableAt) - failedAt).toBeGreaterThan(800);
    expect(await claim(workerKey, model)).toBeNull();

    const again = await claim(workerKey, model, 3);
    expect(again).toMatchObject({ id, attempts: 2 });
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(waiting.claimableAt));
    expect(await failRetryable(workerKey, id, true)).toMatchObject({ state: 'FAILED' });
    expect(await balanceOf(account.accountId)).toBe(100);
    expect(await eventTypesOf(id)).toEqual(['SUBMITTED', 'CLAIMED', 'REQUEUED', 'CLAIMED', 'FAILED']);
  });

  it('lets a claim pass over 70 tasks in backoff at the head of the queue, to one ready behind them', async () => {
    const model = await givenModel({ maxAttempts: 3, retryBaseSeconds: 60 });
    const accounts = await Promise.all(Array.from({ length: 70 }, () => givenAccount(100)));
    const { workerKey } = await givenWorker();
    const retried = await Promise.all(accounts.map((account) => submitted(account.apiKey, { model })));
    const failed = new Set<string>();
    for (let n = 0; n < retried.length; n++) {
      const id = (await claim(workerKey, model))?.id ?? '';
      expect(await failRetryable(workerKey, id, true)).toMatchObject({ state: 'PENDING' });
      failed.add(id);
    }
    expect(failed).toEqual(new Set(retried));
    const ready = await submitted((accounts[0] ?? { apiKey: '' }).apiKey, { model });
    expect((await claim(workerKey, model))?.id).toBe(ready);
  });

  it('fails a failure not marked retryable at once, whatever attempts are left', async () => {
    const model = await givenModel({ maxAttempts: 5 });
    const account = await givenAccount(100);
    const { workerKey } = await givenWorker();
    const id = await submitted(account.apiKey, { model });
    expect((await claim(workerKey, model))?.id).toBe(id);
    expect(await failRetryable(workerKey, id, false)).toMatchObject({ state: 'FAILED' });
    expect(await balanceOf(account.accountId)).toBe(100);
  });
});

describe('long-poll claims', () => {
  it('hands a task submitted during the wait to exactly one of the waiting workers; the others get null at the end of theirs', async () => {
    const model = await givenModel();
    const account = await givenAccount(100);
    const workers = await Promise.all(Array.from({ length: 3 }, () => givenWorker()));
    const started = Date.now();
    const waiting = workers.map(({ workerKey }) => claim(workerKey, model, 2));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const id = await submitted(account.apiKey, { model });

    const first = await Promise.race(waiting);
    expect(first?.id).toBe(id);
    expect(Date.now() - started).toBeLessThan(2_000);
    const answers = await Promise.all(waiting);
    expect(answers.filter((answer) => answer?.id === id)).toHaveLength(1);
    expect(answers.filter((answer) => answer === null)).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
  });

  it('refuses a wait over 30 s with InvalidParamError', async () => {
    const { workerKey } = await givenWorker();
    expect(await claim(workerKey, 'upscale', 31)).toMatchObject({ __typename: 'InvalidParamError', param: 'waitSeconds' });
  });

  it('gives nothing to a worker that left while waiting: the task stays for the next', async () => {
    const model = await givenModel();
    const account = await givenAccount(100);
    const { workerKey } = await givenWorker();
    const leaving = new AbortController();
    const left = fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${workerKey}` },
      body: JSON.stringify({ query: `mutation { claimTask(models: ["${model}"], waitSeconds: 5) { __typename } }` }),
      signal: leaving.signal,
    }).catch(() => 'left');
    await new Promise((resolve) => setTimeout(resolve, 200));
    leaving.abort();
    expect(await left).toBe('left');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const id = await submitted(account.apiKey, { model });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await scheduled(account.apiKey, id)).state).toBe('PENDING');
    expect((await claim(workerKey, model))?.id).toBe(id);
    expect(rowId(id)).toBeTruthy();
  });
});
