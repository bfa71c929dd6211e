import { describe, expect, it } from 'vitest';
import { db } from '../../src/db/client.ts';
import type { Runner } from '../../src/generated/prisma/enums.ts';
import { submitTask } from '../../src/services/submit-task.ts';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { givenAccount } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { putTaskInState, rowId } from '../helpers/rows.ts';
import { spendControlOf } from '../helpers/spend-control.ts';
import { Random } from '../fuzz/random.ts';
import { fuzzSettings } from '../fuzz/settings.ts';

const gateway = useTestGateway();
const { seed } = fuzzSettings();

const MODELS = ['image-fast', 'video-hd', 'upscale', 'agent-run'];
const RUNNERS: Runner[] = ['CLOUD', 'CLOUD', 'CLOUD', 'SELF_HOSTED', 'LOCAL', 'GITHUB_ACTIONS'];
const ENDS = ['PENDING', 'RUNNING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
const TASKS = 1_000;
const AT_ONCE = 8;

/** A task of a random model and runner, left in a random state at a random progress. */
async function randomTask(random: Random, accountId: string, cancel: (id: string) => Promise<unknown>): Promise<string> {
  const model = MODELS[random.int(MODELS.length)] ?? 'upscale';
  const runner = RUNNERS[random.int(RUNNERS.length)] ?? 'CLOUD';
  const task = await submitTask({ accountId, apiKeyId: null, model, runner, input: {}, outTaskId: null, metadata: {}, tags: [], schedule: { priority: 0, startWithinSeconds: null, maxRunSeconds: null } });
  const id = encodeGlobalID('Task', task.id);
  const end = ENDS[random.int(ENDS.length)];
  if (end === 'RUNNING') await putTaskInState(id, 'RUNNING', Math.round(random.next() * 100) / 100);
  if (end === 'COMPLETED' || end === 'FAILED') await putTaskInState(id, end);
  if (end === 'CANCELLED' && runner === 'CLOUD' && model !== 'agent-run') await cancel(id);
  return id;
}

async function refundOf(taskId: string): Promise<number> {
  const entry = await db().ledgerEntry.findFirst({ where: { taskId: rowId(taskId), kind: 'REFUND' } });
  return entry?.amount ?? 0;
}

describe(`cancel preview (seed ${seed})`, () => {
  it(`says what the cancel right after it does, on ${TASKS} random tasks across models, runners, states and progress`, async () => {
    const random = new Random(seed);
    const account = await givenAccount(1_000_000);
    const client = spendControlOf(gateway, account.apiKey);
    const ids: string[] = [];
    for (let i = 0; i < TASKS; i++) ids.push(await randomTask(random, account.accountId, (id) => client.cancel(id)));

    const outcomes = new Map<string, number>();
    for (let start = 0; start < ids.length; start += AT_ONCE) {
      await Promise.all(
        ids.slice(start, start + AT_ONCE).map(async (id) => {
          const refundBefore = await refundOf(id);
          const preview = await client.preview(id);
          const answer = await client.cancel(id);
          outcomes.set(preview.outcome, (outcomes.get(preview.outcome) ?? 0) + 1);
          const context = `${id}: ${JSON.stringify({ preview, answer })}`;
          switch (preview.outcome) {
            case 'CANCELLED':
              expect(answer, context).toMatchObject({ __typename: 'Task', state: 'CANCELLED', creditsUsed: preview.charge });
              expect((await refundOf(id)) - refundBefore, context).toBe(preview.refund);
              break;
            case 'ALREADY_FINISHED':
              expect(answer.__typename, context).toBe('Task');
              expect(answer.creditsUsed, context).toBe(preview.charge);
              expect(await refundOf(id), context).toBe(refundBefore);
              break;
            case 'PENDING_NOT_CANCELLABLE':
              expect(answer, context).toMatchObject({ __typename: 'ConflictError' });
              break;
            case 'RUNNER_NOT_SUPPORTED':
              expect(answer, context).toMatchObject({ __typename: 'OperationNotSupportedError' });
              break;
            default:
              throw new Error(`unknown outcome ${context}`);
          }
        }),
      );
    }
    // Every outcome was met, so each branch of the comparison ran.
    expect([...outcomes.keys()].sort()).toEqual(['ALREADY_FINISHED', 'CANCELLED', 'PENDING_NOT_CANCELLABLE', 'RUNNER_NOT_SUPPORTED']);
  });
});

describe('a guarded cancel', () => {
  it('racing progress across the refund cutoff either refunds in full or is refused and changes nothing, never less', async () => {
    const account = await givenAccount(100_000);
    const client = spendControlOf(gateway, account.apiKey);
    for (let round = 0; round < 20; round++) {
      // video-hd refunds in full below 0.5 of progress and nothing from there.
      const task = await client.submit({ model: 'video-hd', input: { round } });
      const id = task.id ?? '';
      await putTaskInState(id, 'RUNNING', 0.4);
      const running = await db().task.findUniqueOrThrow({ where: { id: rowId(id) } });
      const [answer] = await Promise.all([
        client.cancel(id, { expect: 120, reason: 'user pressed stop' }),
        // The fixture's worker holds the lease; a progress report as that worker races the cancel.
        reportAsFixture(running.leaseOwner ?? '', id),
      ]);
      const after = await db().task.findUniqueOrThrow({ where: { id: rowId(id) } });
      if (answer.__typename === 'Task') {
        expect(after).toMatchObject({ state: 'CANCELLED', creditsUsed: null, cancelReason: 'user pressed stop', cancelActorKind: 'API_KEY' });
      } else {
        expect(answer).toMatchObject({ __typename: 'RefundBelowExpectedError', code: 'REFUND_BELOW_EXPECTED', refund: 0, expected: 120, taskState: 'RUNNING', progress: 0.6 });
        expect(after).toMatchObject({ state: 'RUNNING', progress: 0.6, cancelReason: null });
      }
    }
  });

  it('records who cancelled and why on the task and its CANCELLED event', async () => {
    const account = await givenAccount(1_000);
    const client = spendControlOf(gateway, account.apiKey);
    const task = await client.submit({ model: 'upscale' });
    const answer = await client.cancel(task.id ?? '', { reason: 'stuck pending: resubmitting with other params' });
    expect(answer).toMatchObject({ state: 'CANCELLED', cancelReason: 'stuck pending: resubmitting with other params', cancelledBy: { kind: 'API_KEY' } });
    const events = await client.gql<{ task: { events: { edges: { node: { type: string; cancellation: { reason: string; actor: { kind: string } } | null } }[] } } }>(
      'query($id: ID!) { task(id: $id) { ... on Task { events(first: 5) { edges { node { type cancellation { reason actor { kind id } } } } } } } }',
      { id: task.id },
    );
    const cancelled = events.data?.task.events.edges.find((edge) => edge.node.type === 'CANCELLED');
    expect(cancelled?.node.cancellation).toMatchObject({ reason: 'stuck pending: resubmitting with other params', actor: { kind: 'API_KEY' } });
    const tooLong = await client.cancel(task.id ?? '', { reason: 'x'.repeat(501) });
    expect(tooLong).toMatchObject({ __typename: 'InvalidParamError', param: 'reason' });
  });
});

/** The fixture worker's progress report of 0.6, through the write path, as its own worker process would send it. */
async function reportAsFixture(workerId: string, taskId: string): Promise<void> {
  const { readTaskById } = await import('../../src/db/sql/task-reads.ts');
  const { changeTask } = await import('../../src/services/change-task.ts');
  await changeTask(() => readTaskById(rowId(taskId)), { type: 'progress', lease: { workerId, attempt: null }, progress: 0.6 }).catch(() => undefined);
}
