import { describe, expect, it } from 'vitest';
import { db } from '../../src/db/client.ts';
import { givenAccount } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { putTaskInState, rowId } from '../helpers/rows.ts';
import { spendControlOf } from '../helpers/spend-control.ts';
import { waitUntil } from '../helpers/wait.ts';

const gateway = useTestGateway();

async function givenClient(credits = 10_000) {
  const account = await givenAccount(credits);
  return { account, client: spendControlOf(gateway, account.apiKey) };
}

async function thresholdEvents(accountId: string) {
  const events = await db().taskEvent.findMany({ where: { accountId, type: 'BUDGET_THRESHOLD' }, orderBy: { id: 'asc' } });
  return events.map((event) => event.detail as { threshold: number; spent: number });
}

describe('budgets', () => {
  it('refuse the submit that would take spend over the limit, with its scope, limit, spend and reset; racing submits never overshoot', async () => {
    const { account, client } = await givenClient();
    const budget = await client.createBudget({ scope: 'ACCOUNT', period: 'DAY', limit: 40, thresholds: [] });
    // Twenty submits of 4 credits at once: ten fit in 40, and only ten.
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => client.submit({ model: 'image-fast', input: { i } })));
    const kinds = results.map((result) => result.__typename);
    expect(kinds.filter((kind) => kind === 'Task')).toHaveLength(10);
    expect(kinds.filter((kind) => kind === 'BudgetExceededError')).toHaveLength(10);
    const refused = results.find((result) => result.__typename === 'BudgetExceededError');
    expect(refused).toMatchObject({ code: 'BUDGET_EXCEEDED', budgetId: budget.id, scope: 'ACCOUNT', limit: 40, spent: 40, tripped: false });
    const tomorrow = new Date();
    tomorrow.setUTCHours(24, 0, 0, 0);
    expect(refused?.resetsAt).toBe(tomorrow.toISOString());
    expect((await client.budgets())[0]).toMatchObject({ spent: 40, remaining: 0, trippedAt: null });
    expect(await db().task.count({ where: { accountId: account.accountId } })).toBe(10);
  });

  it('count a refund back, so a refused submit fits once a task is cancelled; spend is holds minus refunds', async () => {
    const { client } = await givenClient();
    await client.createBudget({ scope: 'ACCOUNT', period: 'MONTH', limit: 8, thresholds: [] });
    const first = await client.submit({ model: 'image-fast' });
    await client.submit({ model: 'image-fast' });
    expect((await client.submit({ model: 'image-fast' })).__typename).toBe('BudgetExceededError');
    expect((await client.cancel(first.id ?? '')).__typename).toBe('Task');
    expect((await client.budgets())[0]?.spent).toBe(4);
    expect((await client.submit({ model: 'image-fast' })).__typename).toBe('Task');
  });

  it('open with what the ledger already holds for their scope in the period', async () => {
    const { client } = await givenClient();
    for (let i = 0; i < 3; i++) await client.submit({ model: 'image-fast', input: { i } });
    const budget = await client.createBudget({ scope: 'ACCOUNT', period: 'DAY', limit: 100, thresholds: [] });
    expect(budget.spent).toBe(12);
    const total = await client.createBudget({ scope: 'ACCOUNT', period: 'TOTAL', limit: 100, thresholds: [] });
    expect(total).toMatchObject({ spent: 0, resetsAt: null });
  });

  it('count only their key, or only their tag', async () => {
    const { account, client } = await givenClient();
    const tagged = await client.createBudget({ scope: 'TAG', tag: 'team:video', period: 'DAY', limit: 4, thresholds: [] });
    expect((await client.submit({ model: 'image-fast', tags: ['team:video'] })).__typename).toBe('Task');
    expect((await client.submit({ model: 'image-fast', tags: ['team:video', 'x'] })).__typename).toBe('BudgetExceededError');
    expect((await client.submit({ model: 'image-fast', tags: ['team:audio'] })).__typename).toBe('Task');
    expect((await client.budgets()).find((budget) => budget.id === tagged.id)?.spent).toBe(4);

    // The key's own tasks so far (8 credits) open its budget; another key of the account is not counted by it.
    expect((await client.createBudget({ scope: 'API_KEY', period: 'DAY', limit: 12, thresholds: [] })).spent).toBe(8);
    expect((await client.submit({ model: 'image-fast', tags: ['free'] })).__typename).toBe('Task');
    expect((await client.submit({ model: 'image-fast', tags: ['free'] })).__typename).toBe('BudgetExceededError');
    const { createApiKey } = await import('../../src/services/accounts.ts');
    const other = spendControlOf(gateway, await createApiKey(account.accountId));
    expect((await other.submit({ model: 'image-fast', tags: ['free'] })).__typename).toBe('Task');
  });

  it('log one BUDGET_THRESHOLD event per crossing, however many submits race across it, and again after spend fell back', async () => {
    const { account, client } = await givenClient();
    await client.createBudget({ scope: 'ACCOUNT', period: 'DAY', limit: 40, thresholds: [0.5, 1] });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => client.submit({ model: 'image-fast', input: { i } })));
    expect(results.filter((result) => result.__typename === 'Task')).toHaveLength(10);
    expect((await thresholdEvents(account.accountId)).map((event) => [event.threshold, event.spent])).toEqual([
      [0.5, 20],
      [1, 40],
    ]);
    const tasks = results.filter((result) => result.id !== undefined);
    for (const task of tasks.slice(0, 6)) await client.cancel(task.id ?? '');
    expect((await client.budgets())[0]?.spent).toBe(16);
    await client.submit({ model: 'image-fast' });
    expect((await thresholdEvents(account.accountId)).map((event) => [event.threshold, event.spent])).toEqual([
      [0.5, 20],
      [1, 40],
      [0.5, 20],
    ]);
    const events = await client.gql<{ task: { events: { edges: { node: { type: string; budgetThreshold: { threshold: number; limit: number } | null } }[] } } }>(
      'query($id: ID!) { task(id: $id) { ... on Task { events(first: 5) { edges { node { type budgetThreshold { threshold limit } } } } } } }',
      { id: tasks[4]?.id },
    );
    expect(events.data?.task.events.edges.map((edge) => edge.node.type)).toContain('SUBMITTED');
  });

  it('that cancels in flight trips on its first refusal: the period takes no more submits, and exactly its in-flight tasks are cancelled under the usual rules', async () => {
    const { account, client } = await givenClient();
    const budget = await client.createBudget({ scope: 'TAG', tag: 'batch-7', period: 'DAY', limit: 130, thresholds: [], action: 'CANCEL_IN_FLIGHT' });
    const pending = await client.submit({ model: 'image-fast', tags: ['batch-7'] });
    const below = await client.submit({ model: 'image-fast', tags: ['batch-7'] });
    const outside = await client.submit({ model: 'image-fast', tags: ['other'] });
    const above = await client.submit({ model: 'upscale', tags: ['batch-7'] });
    const done = await client.submit({ model: 'upscale', tags: ['batch-7'] });
    // image-fast refunds below 0.9 of progress; upscale's cutoff is 0: a running upscale is charged.
    await putTaskInState(below.id ?? '', 'RUNNING', 0.5);
    await putTaskInState(above.id ?? '', 'RUNNING', 0.2);
    await putTaskInState(done.id ?? '', 'COMPLETED');
    const refused = await client.submit({ model: 'video-hd', tags: ['batch-7'] });
    expect(refused).toMatchObject({ __typename: 'BudgetExceededError', tripped: true });
    expect((await client.submit({ model: 'upscale', tags: ['batch-7'] })).__typename).toBe('BudgetExceededError');
    expect((await client.submit({ model: 'upscale', tags: ['other'] })).__typename).toBe('Task');

    await waitUntil(async () => (await db().task.count({ where: { accountId: account.accountId, cancelActorKind: 'BUDGET' } })) === 3, 10_000);
    const state = async (id: string | undefined) => db().task.findUniqueOrThrow({ where: { id: rowId(id ?? '') } });
    expect(await state(pending.id)).toMatchObject({ state: 'CANCELLED', creditsUsed: null, cancelActorKind: 'BUDGET', cancelActorId: rowId(budget.id) });
    expect(await state(below.id)).toMatchObject({ state: 'CANCELLED', creditsUsed: null });
    expect(await state(above.id)).toMatchObject({ state: 'CANCELLED', creditsUsed: 2 });
    expect(await state(done.id)).toMatchObject({ state: 'COMPLETED', cancelActorKind: null });
    expect(await state(outside.id)).toMatchObject({ state: 'PENDING' });
    expect((await state(pending.id)).cancelReason).toMatch(/^budget .* exceeded: 130 credits a day$/);
    expect((await client.budgets())[0]).toMatchObject({ spent: 4, trippedAt: expect.any(String) as unknown });

    const rearmed = await client.updateBudget(budget.id, { rearm: true });
    expect(rearmed).toMatchObject({ trippedAt: null });
    expect((await client.submit({ model: 'upscale', tags: ['batch-7'] })).__typename).toBe('Task');
  });

  it('that cancels pending work leaves running work alone', async () => {
    const { account, client } = await givenClient();
    await client.createBudget({ scope: 'ACCOUNT', period: 'DAY', limit: 8, thresholds: [], action: 'CANCEL_PENDING' });
    const running = await client.submit({ model: 'image-fast' });
    const pending = await client.submit({ model: 'image-fast' });
    await putTaskInState(running.id ?? '', 'RUNNING', 0.1);
    expect((await client.submit({ model: 'image-fast' })).__typename).toBe('BudgetExceededError');
    await waitUntil(async () => (await db().task.count({ where: { accountId: account.accountId, state: 'CANCELLED' } })) === 1, 10_000);
    expect((await db().task.findUniqueOrThrow({ where: { id: rowId(pending.id ?? '') } })).state).toBe('CANCELLED');
    expect((await db().task.findUniqueOrThrow({ where: { id: rowId(running.id ?? '') } })).state).toBe('RUNNING');
  });

  it('refuse what cannot be a budget, naming the argument', async () => {
    const { client } = await givenClient();
    const create = (input: Record<string, unknown>) =>
      client.gql<{ createBudget: { __typename: string; param?: string } }>('mutation($input: CreateBudgetInput!) { createBudget(input: $input) { __typename ... on InvalidParamError { param } } }', { input });
    const base = { scope: 'ACCOUNT', period: 'DAY', limit: 10 };
    expect((await create({ ...base, limit: 0 })).data?.createBudget).toEqual({ __typename: 'InvalidParamError', param: 'input.limit' });
    expect((await create({ ...base, thresholds: [0.5, 1.5] })).data?.createBudget).toEqual({ __typename: 'InvalidParamError', param: 'input.thresholds.1' });
    expect((await create({ ...base, scope: 'TAG' })).data?.createBudget).toEqual({ __typename: 'InvalidParamError', param: 'input.tag' });
    expect((await create({ ...base, scope: 'TAG', tag: 'has space' })).data?.createBudget).toEqual({ __typename: 'InvalidParamError', param: 'input.tag' });
  });
});
