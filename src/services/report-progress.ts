import { validateProgress } from '../domain/validation.ts';
import type { Task } from '../generated/prisma/client.ts';
import { changeLeasedTask, type LeaseRef } from './leased-task.ts';

/** Records the worker's progress and renews its lease by the length it claimed with. */
export function reportProgress(ref: LeaseRef, progress: number): Promise<Task> {
  validateProgress(progress);
  return changeLeasedTask(ref, (task) => ({
    event: 'PROGRESS',
    refund: 0,
    data: { progress, leaseExpiresAt: new Date(task.now.getTime() + (task.leaseSeconds ?? 0) * 1000) },
  }));
}
