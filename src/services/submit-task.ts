import { IdempotencyConflictError, InsufficientCreditsError, InvalidParamError } from '../domain/errors.ts';
import { canonicalJson, type JsonValue } from '../domain/json.ts';
import { SUBMISSION } from '../domain/task-machine.ts';
import { validateJsonSize, validateOutTaskId } from '../domain/validation.ts';
import type { Runner } from '../generated/prisma/enums.ts';
import type { TaskRow } from '../db/sql/rows.ts';
import { commitSubmit } from '../db/sql/submit-task.ts';

export interface SubmitTaskCommand {
  accountId: string;
  model: string;
  runner: Runner;
  input: JsonValue;
  outTaskId: string | null;
}

function sameRequest(task: TaskRow, command: SubmitTaskCommand): boolean {
  return (
    task.modelName === command.model &&
    task.runner === command.runner &&
    canonicalJson(task.input) === canonicalJson(command.input)
  );
}

/**
 * Creates a PENDING task and holds its model's price in one transaction, with
 * its SUBMITTED event. Idempotent on outTaskId: a repeat with the same model,
 * runner and input returns the first task and holds nothing more.
 */
export async function submitTask(command: SubmitTaskCommand): Promise<TaskRow> {
  const input = JSON.stringify(command.input);
  validateJsonSize(input, 'input.input');
  const outTaskId = command.outTaskId === null ? null : validateOutTaskId(command.outTaskId, 'input.outTaskId');
  const outcome = await commitSubmit({ accountId: command.accountId, model: command.model, outTaskId, runner: command.runner, input, ...SUBMISSION });
  switch (outcome.kind) {
    case 'unknown-model':
      throw new InvalidParamError('input.model', `Unknown model "${command.model}".`);
    case 'insufficient':
      throw new InsufficientCreditsError(outcome.price, outcome.balance);
    case 'earlier':
      if (!sameRequest(outcome.task, command)) throw new IdempotencyConflictError(outcome.task.id);
      return outcome.task;
    case 'created':
      return outcome.task;
  }
}
