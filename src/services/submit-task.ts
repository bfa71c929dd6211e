import { IdempotencyConflictError, InsufficientCreditsError, InvalidParamError } from '../domain/errors.ts';
import { canonicalJson, type JsonValue } from '../domain/json.ts';
import { checkedSchedule, QUEUE_QUANTUM_US, type Schedule } from '../domain/scheduling.ts';
import { checkedMetadata, checkedTags } from '../domain/task-labels.ts';
import { SUBMISSION } from '../domain/task-machine.ts';
import { validateJsonSize, validateOutTaskId } from '../domain/validation.ts';
import type { Runner } from '../generated/prisma/enums.ts';
import type { TaskRow } from '../db/sql/rows.ts';
import type { TaskColumn } from '../db/sql/task-reads.ts';
import { commitSubmit } from '../db/sql/submit-task.ts';
import { budgetRefusal } from './budget-refusal.ts';

export interface SubmitTaskCommand {
  accountId: string;
  /** The key submitting; null from the admin tools. */
  apiKeyId: string | null;
  model: string;
  runner: Runner;
  input: JsonValue;
  outTaskId: string | null;
  metadata: Record<string, unknown>;
  tags: readonly string[];
  schedule: Schedule;
  /** The columns of the new task to return, as its reader's selection needs them; every column when absent. */
  columns?: readonly TaskColumn[];
}

function sameRequest(task: TaskRow, command: SubmitTaskCommand, metadata: string, tags: string[]): boolean {
  return (
    task.modelName === command.model &&
    task.runner === command.runner &&
    canonicalJson(task.input) === canonicalJson(command.input) &&
    canonicalJson(task.metadata) === metadata &&
    canonicalJson(task.tags) === canonicalJson(tags) &&
    task.priority === command.schedule.priority &&
    task.maxRunSeconds === command.schedule.maxRunSeconds
  );
}

/**
 * Creates a PENDING task and holds its model's price in one transaction, with
 * its SUBMITTED event, and moves the spend of every budget of its scope: a
 * hold over a budget is refused with BudgetExceededError, and changes
 * nothing. It takes its account's fair place in its model's queue, less its
 * priority. Idempotent on outTaskId: a repeat with the same model, runner,
 * input, metadata, tags, priority and maximum running time returns the first
 * task and holds nothing more.
 */
export async function submitTask(command: SubmitTaskCommand): Promise<TaskRow> {
  const input = JSON.stringify(command.input);
  validateJsonSize(input, 'input.input');
  const outTaskId = command.outTaskId === null ? null : validateOutTaskId(command.outTaskId, 'input.outTaskId');
  const metadata = canonicalJson(checkedMetadata(command.metadata, 'input.metadata'));
  const tags = checkedTags(command.tags, 'input.tags');
  const { accountId, apiKeyId, model, runner } = command;
  const schedule = checkedSchedule(command.schedule, runner === 'CLOUD', 'input.');
  const outcome = await commitSubmit({ accountId, apiKeyId, model, outTaskId, runner, input, metadata, tags, ...schedule, quantum: QUEUE_QUANTUM_US, ...SUBMISSION }, command.columns);
  switch (outcome.kind) {
    case 'unknown-model':
      throw new InvalidParamError('input.model', `Unknown model "${command.model}".`);
    case 'insufficient':
      throw new InsufficientCreditsError(outcome.price, outcome.balance);
    case 'over-budget':
      throw await budgetRefusal(outcome.budgetId);
    case 'earlier':
      if (!sameRequest(outcome.task, command, metadata, tags)) throw new IdempotencyConflictError(outcome.task.id);
      return outcome.task;
    case 'created':
      return outcome.task;
  }
}
