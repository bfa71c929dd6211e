import { IdempotencyConflictError, InsufficientCreditsError, InvalidParamError } from '../domain/errors.ts';
import { commitChange } from './transaction.ts';
import { canonicalJson } from '../domain/json.ts';
import type { Runner } from '../domain/task.ts';
import { validateJsonSize, validateOutTaskId } from '../domain/validation.ts';
import { db } from '../db/client.ts';
import { Prisma, type Task } from '../generated/prisma/client.ts';
import { moveCredits } from './ledger.ts';
import { appendTaskEvent } from './task-events.ts';

export interface SubmitTaskCommand {
  accountId: string;
  model: string;
  runner: Runner;
  input: Prisma.InputJsonValue;
  outTaskId: string | null;
}

function sameRequest(task: Task, command: SubmitTaskCommand): boolean {
  return (
    task.modelName === command.model &&
    task.runner === command.runner &&
    canonicalJson(task.input) === canonicalJson(command.input)
  );
}

/** An earlier submit with the same outTaskId: the same task again, or a conflict naming it. */
async function replay(command: SubmitTaskCommand, outTaskId: string): Promise<Task | undefined> {
  const existing = await db().task.findUnique({
    where: { accountId_outTaskId: { accountId: command.accountId, outTaskId } },
  });
  if (!existing) return undefined;
  if (!sameRequest(existing, command)) throw new IdempotencyConflictError(existing.id);
  return existing;
}

function isOutTaskIdTaken(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

/**
 * Creates a PENDING task and holds its model's price in one transaction, with
 * its SUBMITTED event. Idempotent on outTaskId: a repeat with the same model,
 * runner and input returns the first task and holds nothing more.
 */
export async function submitTask(command: SubmitTaskCommand): Promise<Task> {
  validateJsonSize(JSON.stringify(command.input), 'input.input');
  const outTaskId = command.outTaskId === null ? null : validateOutTaskId(command.outTaskId, 'input.outTaskId');
  if (outTaskId !== null) {
    const earlier = await replay(command, outTaskId);
    if (earlier) return earlier;
  }
  const model = await db().model.findUnique({ where: { name: command.model } });
  if (!model) throw new InvalidParamError('input.model', `Unknown model "${command.model}".`);

  try {
    return await commitChange(async (tx) => {
      const task = await tx.task.create({
        data: {
          accountId: command.accountId,
          outTaskId,
          modelName: model.name,
          runner: command.runner,
          input: command.input,
          price: model.price,
        },
      });
      await appendTaskEvent(tx, task, 'SUBMITTED');
      if (model.price > 0) {
        const move = { accountId: command.accountId, taskId: task.id, kind: 'HOLD' as const, amount: -model.price };
        if ((await moveCredits(tx, move)) === null) {
          const account = await tx.account.findUniqueOrThrow({ where: { id: command.accountId } });
          throw new InsufficientCreditsError(model.price, account.balance);
        }
      }
      return task;
    });
  } catch (error) {
    // A concurrent submit with the same outTaskId committed first.
    if (outTaskId !== null && isOutTaskIdTaken(error)) {
      const earlier = await replay(command, outTaskId);
      if (earlier) return earlier;
    }
    throw error;
  }
}
