import { describe, expect, it } from 'vitest';
import { db } from '../../src/db/client.ts';
import { useTestDatabase } from '../helpers/database.ts';
import { givenAccount } from '../helpers/factories.ts';
import { type GatewayProcess, startGatewayProcess } from '../helpers/gateway-process.ts';
import { ledgerViolations } from '../helpers/invariants.ts';
import { waitUntil } from '../helpers/wait.ts';

const database = useTestDatabase();

const SUBMIT = `mutation($input: SubmitTaskInput!) {
  submitTask(input: $input) { __typename ... on Task { id } ... on Error { retryable } } }`;
const CANCEL = `mutation($outTaskId: String) {
  cancelTask(outTaskId: $outTaskId) { __typename ... on Task { state } ... on Error { retryable } } }`;

const NO_RATE_LIMIT = { TASKGATE_RATE_LIMIT: '0' };

type Answer = Record<string, { __typename: string; state?: string; retryable?: boolean } | null>;

/** Whether a client retries this answer later: none, or an error that says so (rate limited). */
function retryLater(answer: Answer[string] | undefined): boolean {
  return !answer || answer.retryable === true;
}

/**
 * Submits (and cancels every other one) by outTaskId; returns the keys whose
 * calls all got answers. A retry must get the task, never a final typed error
 * such as IdempotencyConflictError: those go to `wrong`.
 */
async function storm(gateway: GatewayProcess, apiKey: string, keys: string[], wrong: unknown[]): Promise<string[]> {
  const answered: string[] = [];
  await Promise.all(
    keys.map(async (outTaskId) => {
      const n = Number(outTaskId.split('-')[1]);
      try {
        const submitted = await gateway.gql<Answer>(SUBMIT, { input: { model: 'image-fast', outTaskId, input: { n } } }, apiKey);
        const task = submitted.data?.submitTask;
        if (retryLater(task)) return;
        if (task?.__typename !== 'Task') {
          wrong.push(submitted);
          return;
        }
        if (n % 2 === 0) {
          const cancelled = await gateway.gql<Answer>(CANCEL, { outTaskId }, apiKey);
          if (retryLater(cancelled.data?.cancelTask)) return;
          if (cancelled.data?.cancelTask?.state !== 'CANCELLED') {
            wrong.push(cancelled);
            return;
          }
        }
        answered.push(outTaskId);
      } catch {
        // The gateway died under this request: the client retries it.
      }
    }),
  );
  return answered;
}

describe('a gateway killed with SIGKILL in a storm of submits and cancels', () => {
  it('leaves nothing half-written, and clients retrying by outTaskId get no duplicate task or hold', async () => {
    const account = await givenAccount(1_000_000);
    const keys = Array.from({ length: 300 }, (_, n) => `storm-${n}`);
    const wrong: unknown[] = [];
    // No rate limit: the storm is one key's, far above a tenant's fair share on purpose.
    const first = await startGatewayProcess(database.url, NO_RATE_LIMIT);
    const stormed = storm(first, account.apiKey, keys, wrong);
    await waitUntil(async () => (await db().task.count({ where: { accountId: account.accountId } })) >= 30, 20_000);
    first.process.child.kill('SIGKILL');
    await stormed;
    // Killed mid-storm: some changes had committed, others not.
    const committed = await db().task.count({ where: { accountId: account.accountId } });
    const cancelledBefore = await db().task.count({ where: { accountId: account.accountId, state: 'CANCELLED' } });
    expect(committed).toBeGreaterThan(0);
    expect(committed + cancelledBefore).toBeLessThan(keys.length + keys.length / 2);

    expect(await ledgerViolations(database.url)).toEqual([]);

    const second = await startGatewayProcess(database.url, NO_RATE_LIMIT);
    try {
      // Clients retry whatever got no answer, as many times as it takes.
      let unanswered = keys;
      for (let round = 0; round < 5 && unanswered.length > 0; round++) {
        const answered = new Set(await storm(second, account.apiKey, unanswered, wrong));
        unanswered = unanswered.filter((key) => !answered.has(key));
      }
      expect(unanswered).toEqual([]);
      expect(wrong).toEqual([]);
    } finally {
      await second.process.stop();
    }

    expect(await ledgerViolations(database.url)).toEqual([]);
    const tasks = await db().task.findMany({ where: { accountId: account.accountId }, select: { outTaskId: true, state: true } });
    expect(tasks.map((task) => task.outTaskId).sort()).toEqual([...keys].sort());
    const cancelled = tasks.filter((task) => task.state === 'CANCELLED').map((task) => task.outTaskId);
    expect(cancelled.sort()).toEqual(keys.filter((_, n) => n % 2 === 0).sort());
    const holds = await db().ledgerEntry.count({ where: { accountId: account.accountId, kind: 'HOLD' } });
    expect(holds).toBe(keys.length);
    const refunds = await db().ledgerEntry.count({ where: { accountId: account.accountId, kind: 'REFUND' } });
    expect(refunds).toBe(cancelled.length);
  });
});
