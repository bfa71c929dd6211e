import { tasksToCancel, trippedBudgets } from '../db/sql/budgets.ts';
import { readAccountTask } from '../db/sql/task-reads.ts';
import { DomainError } from '../domain/errors.ts';
import type { BudgetPeriod } from '../generated/prisma/enums.ts';
import { changeTask } from '../services/change-task.ts';
import type { JobReports } from './bulk-cancel-runner.ts';
import { startWokenLoop, type WokenLoop } from './woken-loop.ts';

/** Tasks one pass cancels per tripped budget: each is its own cancel, as one cancelTask. */
const BATCH = 100;
const POLL_MS = 1_000;
const PERIOD_WORDS: Record<BudgetPeriod, string> = { DAY: 'a day', MONTH: 'a month', TOTAL: 'in total' };

/**
 * Cancels the work of every tripped budget whose action says so, in batches,
 * under the usual cancel rules and refunds, each task recording the budget
 * as who cancelled it. Every instance runs it: two cancelling one task at
 * once is harmless, the second finds it finished.
 */
export function startBudgetEnforcement(reports: JobReports): WokenLoop {
  return startWokenLoop(
    POLL_MS,
    async () => {
      let more = false;
      for (const budget of await trippedBudgets()) {
        const ids = await tasksToCancel(budget.id, BATCH);
        more ||= ids.length === BATCH;
        const reason = `budget ${budget.name ?? budget.id} exceeded: ${budget.limit} credits ${PERIOD_WORDS[budget.period]}`;
        for (const id of ids) {
          await changeTask(() => readAccountTask(budget.accountId, { id }), {
            type: 'cancel',
            by: { kind: 'BUDGET', id: budget.id },
            reason,
            expectRefundAtLeast: null,
          }).catch((error: unknown) => {
            // Refused (a run the API cannot cancel, say): left to its owner; anything else is a failure of the pass.
            if (!(error instanceof DomainError)) throw error;
          });
        }
      }
      return more;
    },
    (error) => {
      reports.failed(error);
    },
    () => {
      reports.succeeded();
    },
  );
}
