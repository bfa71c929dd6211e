import type { TaskRow } from '../db/sql/rows.ts';
import { readAccountTask, type TaskColumn, type TaskRef } from '../db/sql/task-reads.ts';
import { InvalidParamError } from '../domain/errors.ts';
import type { CancelActor } from '../domain/task-machine.ts';
import { isStorableText } from '../domain/text.ts';
import { changeTask } from './change-task.ts';

export const MAX_CANCEL_REASON_LENGTH = 500;

export interface CancelRequest {
  by: CancelActor;
  /** Why, in the caller's words; kept on the task and its CANCELLED event. */
  reason: string | null;
  /** Refuse, changing nothing, if the cancel would refund less than this. */
  expectRefundAtLeast: number | null;
  /** The columns of the cancelled task to return, as its reader's selection needs them; every column when absent. */
  columns?: readonly TaskColumn[];
}

export function checkedReason(reason: string | null, param = 'reason'): string | null {
  if (reason !== null && (reason.length > MAX_CANCEL_REASON_LENGTH || !isStorableText(reason))) {
    throw new InvalidParamError(param, `${param} must be at most ${MAX_CANCEL_REASON_LENGTH} characters of text.`);
  }
  return reason;
}

/**
 * Cancels the account's task (SPEC §5 cancelTask): a finished task comes back
 * as it is, a refused cancel throws its typed error and changes nothing,
 * otherwise the task, its refund and its event, with who cancelled and why,
 * commit together. A floor on the refund is checked against the task as the
 * cancel commits it, so progress crossing the cutoff meanwhile refuses it.
 */
export function cancelTask(accountId: string, ref: TaskRef, request: CancelRequest): Promise<TaskRow> {
  const { expectRefundAtLeast } = request;
  if (expectRefundAtLeast !== null && (!Number.isInteger(expectRefundAtLeast) || expectRefundAtLeast < 0)) {
    throw new InvalidParamError('expectRefundAtLeast', 'expectRefundAtLeast must be a whole number of credits, 0 or more.');
  }
  const reason = checkedReason(request.reason);
  return changeTask(() => readAccountTask(accountId, ref), { type: 'cancel', by: request.by, reason, expectRefundAtLeast }, request.columns);
}
