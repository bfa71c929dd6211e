import { randomUUID } from 'node:crypto';
import { claimBulkCancels } from '../db/sql/bulk-cancels.ts';
import { ownBulkCancel, runBulkCancelBatch } from '../services/bulk-cancels.ts';
import { startWokenLoop, type WokenLoop } from './woken-loop.ts';

/** Jobs one instance runs at once; the others wait for the next pass, or another instance. */
const JOBS_PER_PASS = 2;
const LEASE_MS = 30_000;
const POLL_MS = 1_000;

export interface JobReports {
  failed(error: unknown): void;
  succeeded(): void;
}

/**
 * This instance's share of bulk cancels: it leases running jobs in
 * PostgreSQL and takes each through its batches; a job whose instance died
 * is taken over once its lease runs out, and goes on from its last batch.
 */
export function startBulkCancelRunner(reports: JobReports): WokenLoop {
  const owner = randomUUID();
  return startWokenLoop(
    POLL_MS,
    async () => {
      const jobs = await claimBulkCancels(owner, JOBS_PER_PASS, LEASE_MS);
      for (const claimed of jobs) {
        let job = claimed;
        while (await runBulkCancelBatch(job, owner, LEASE_MS)) job = await ownBulkCancel(job.accountId, job.id);
      }
      return jobs.length === JOBS_PER_PASS;
    },
    (error) => {
      reports.failed(error);
    },
    () => {
      reports.succeeded();
    },
  );
}
