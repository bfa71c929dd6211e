import { InvalidParamError } from '../domain/errors.ts';
import type { Task } from '../generated/prisma/client.ts';
import { changeLeasedTask, type LeaseRef } from './leased-task.ts';

export const MAX_ERROR_LENGTH = 10_000;

/** Ends the task as FAILED with the worker's reason and a full refund. */
export function failTask(ref: LeaseRef, error: string): Promise<Task> {
  if (error.length > MAX_ERROR_LENGTH) {
    throw new InvalidParamError('error', `error must be at most ${MAX_ERROR_LENGTH} characters.`);
  }
  return changeLeasedTask(ref, (task) => ({
    event: 'FAILED',
    refund: task.price,
    data: { state: 'FAILED', error, finishedAt: task.now, creditsUsed: null },
  }));
}
