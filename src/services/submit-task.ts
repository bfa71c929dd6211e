import { IdempotencyConflictError, InsufficientCreditsError, InvalidParamError } from '../domain/errors.ts';
import { canonicalJson } from '../domain/json.ts';
import type { Runner } from '../domain/task.ts';
import { validateJsonSize, validateOutTaskId } from '../domain/validation.ts';
import { pool } from '../db/client.ts';
import { CHECK_VIOLATION, rowsOf, statement, UNIQUE_VIOLATION, violatedConstraint } from '../db/statement.ts';
import type { Prisma, Task } from '../generated/prisma/client.ts';
import { commitStatement } from './transaction.ts';

export interface SubmitTaskCommand {
  accountId: string;
  model: string;
  runner: Runner;
  input: Prisma.InputJsonValue;
  outTaskId: string | null;
}

/**
 * The whole submit as one statement, so one round trip and its own
 * transaction: an earlier task with the same outTaskId comes back unchanged;
 * otherwise the task, its HOLD (the balance update takes the account's row
 * lock, and the balance CHECK refuses an overdraw by aborting everything) and
 * its SUBMITTED event. No row when the model is unknown.
 */
export const SUBMIT_TASK = statement(
  'submit_task',
  `
WITH earlier AS (
  SELECT * FROM "Task" WHERE "accountId" = $1::uuid AND "outTaskId" = $3
), model AS (
  SELECT name, price FROM "Model" WHERE name = $2
), created AS (
  INSERT INTO "Task" ("accountId", "outTaskId", "modelName", runner, input, price)
  SELECT $1::uuid, $3, model.name, $4::"Runner", $5::jsonb, model.price
  FROM model WHERE NOT EXISTS (SELECT FROM earlier)
  RETURNING *
), held AS (
  UPDATE "Account" a SET balance = a.balance - created.price
  FROM created WHERE a.id = created."accountId" AND created.price > 0
  RETURNING a.id AS "accountId", a.balance, created.id AS "taskId", created.price
), hold_entry AS (
  INSERT INTO "LedgerEntry" ("accountId", "taskId", kind, amount, "balanceAfter")
  SELECT "accountId", "taskId", 'HOLD'::"LedgerEntryKind", -price, balance FROM held
), submitted_event AS (
  INSERT INTO "TaskEvent" ("taskId", "accountId", type, state, progress)
  SELECT id, "accountId", 'SUBMITTED'::"TaskEventType", state, progress FROM created
)
SELECT * FROM created UNION ALL SELECT * FROM earlier`,
);

const BALANCE_AND_PRICE = statement(
  'submit_task_balance_and_price',
  `SELECT a.balance, m.price FROM "Account" a, "Model" m WHERE a.id = $1::uuid AND m.name = $2`,
);

const OUT_TASK_ID_TAKEN = 'Task_accountId_outTaskId_key';
const BALANCE_NONNEGATIVE = 'Account_balance_nonnegative';

function sameRequest(task: Task, command: SubmitTaskCommand): boolean {
  return (
    task.modelName === command.model &&
    task.runner === command.runner &&
    canonicalJson(task.input) === canonicalJson(command.input)
  );
}

async function insufficientCredits(command: SubmitTaskCommand): Promise<InsufficientCreditsError> {
  const [row] = await rowsOf<{ balance: number; price: number }>(pool(), BALANCE_AND_PRICE, [command.accountId, command.model]);
  if (!row) throw new Error(`account ${command.accountId} or model ${command.model} vanished`);
  return new InsufficientCreditsError(row.price, row.balance);
}

async function runSubmit(command: SubmitTaskCommand, outTaskId: string | null, input: string): Promise<Task | undefined> {
  try {
    const [task] = await commitStatement<Task>(SUBMIT_TASK, [command.accountId, command.model, outTaskId, command.runner, input]);
    return task;
  } catch (error) {
    if (violatedConstraint(error, CHECK_VIOLATION) === BALANCE_NONNEGATIVE) throw await insufficientCredits(command);
    // A concurrent submit with the same outTaskId committed first: its task is the answer.
    if (violatedConstraint(error, UNIQUE_VIOLATION) === OUT_TASK_ID_TAKEN) return runSubmit(command, outTaskId, input);
    throw error;
  }
}

/**
 * Creates a PENDING task and holds its model's price in one transaction, with
 * its SUBMITTED event. Idempotent on outTaskId: a repeat with the same model,
 * runner and input returns the first task and holds nothing more.
 */
export async function submitTask(command: SubmitTaskCommand): Promise<Task> {
  const input = JSON.stringify(command.input);
  validateJsonSize(input, 'input.input');
  const outTaskId = command.outTaskId === null ? null : validateOutTaskId(command.outTaskId, 'input.outTaskId');
  const task = await runSubmit(command, outTaskId, input);
  if (!task) throw new InvalidParamError('input.model', `Unknown model "${command.model}".`);
  if (task.outTaskId !== null && !sameRequest(task, command)) throw new IdempotencyConflictError(task.id);
  return task;
}
