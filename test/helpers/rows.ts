import { decodeGlobalID } from '@pothos/plugin-relay';
import { db } from '../../src/db/client.ts';
import { commitTransition } from '../../src/db/sql/commit-transition.ts';
import { readTaskById } from '../../src/db/sql/task-reads.ts';
import { decide, type TaskCommand } from '../../src/domain/task-machine.ts';
import { factsOf } from '../../src/services/change-task.ts';

/** Reads straight from the database, to assert on what a call changed. */

export function rowId(globalId: string): string {
  return decodeGlobalID(globalId).id;
}

export async function balanceOf(accountId: string): Promise<number> {
  return (await db().account.findUniqueOrThrow({ where: { id: accountId } })).balance;
}

export async function entriesOf(globalTaskId: string): Promise<{ kind: string; amount: number }[]> {
  return db().ledgerEntry.findMany({
    where: { taskId: rowId(globalTaskId) },
    orderBy: { id: 'asc' },
    select: { kind: true, amount: true },
  });
}

export async function eventTypesOf(globalTaskId: string): Promise<string[]> {
  const events = await db().taskEvent.findMany({ where: { taskId: rowId(globalTaskId) }, orderBy: { id: 'asc' } });
  return events.map((event) => event.type);
}

export async function taskCount(accountId: string): Promise<number> {
  return db().task.count({ where: { accountId } });
}

const FIXTURE_WORKER = '00000000-0000-4000-8000-00000000f1f0';
const FIXTURE_LEASE = { workerId: FIXTURE_WORKER, attempt: null };

/** One step of the task through the real write path: read, let the machine decide, commit. */
async function step(id: string, command: TaskCommand): Promise<void> {
  const task = await readTaskById(id);
  if (!task) throw new Error(`no task ${id}`);
  const decision = decide(factsOf(task), command, task.now);
  if (decision.kind !== 'change') throw new Error(`${command.type} of a ${task.state} task: ${decision.kind}`);
  if (!(await commitTransition(task, decision))) throw new Error(`task ${id} moved on`);
}

/**
 * Puts a task where a worker would have taken it (claimed, at `progress`,
 * or finished), by the worker's own transitions, with their events and
 * ledger entries: a fixture for client-side tests that must pick one task
 * out of a shared queue rather than claim the oldest.
 */
export async function putTaskInState(
  globalTaskId: string,
  state: 'RUNNING' | 'COMPLETED' | 'FAILED',
  progress = 0,
): Promise<void> {
  const id = rowId(globalTaskId);
  await step(id, { type: 'claim', workerId: FIXTURE_WORKER, leaseSeconds: 60 });
  if (progress > 0) await step(id, { type: 'progress', lease: FIXTURE_LEASE, progress });
  if (state === 'COMPLETED') await step(id, { type: 'complete', lease: FIXTURE_LEASE, output: {} });
  if (state === 'FAILED') await step(id, { type: 'fail', lease: FIXTURE_LEASE, error: 'failed on purpose', retryable: false, random: 0 });
}
