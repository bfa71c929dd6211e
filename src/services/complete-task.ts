import { creditsUsed } from '../domain/money.ts';
import { validateJsonSize } from '../domain/validation.ts';
import type { Prisma, Task } from '../generated/prisma/client.ts';
import { changeLeasedTask, type LeaseRef } from './leased-task.ts';

/** Finishes the task with its output; the hold stands as the charge. */
export function completeTask(ref: LeaseRef, output: Prisma.JsonValue): Promise<Task> {
  validateJsonSize(JSON.stringify(output), 'output');
  return changeLeasedTask(ref, (task) => ({
    event: 'COMPLETED',
    refund: 0,
    data: { state: 'COMPLETED', output, progress: 1, finishedAt: task.now, creditsUsed: creditsUsed(task.price, 0) },
  }));
}
