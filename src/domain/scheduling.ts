import { InvalidParamError } from './errors.ts';

/**
 * One task's share of a model's queue, in the claim order's virtual
 * microseconds: accounts with work alternate task by task, and each point of
 * priority moves a task ahead of one other task's share.
 */
export const QUEUE_QUANTUM_US = 1_000_000;

export const PRIORITY_RANGE = { min: -100, max: 100 };
/** A week: longer deadlines are schedules, which this is not. */
export const MAX_DEADLINE_SECONDS = 7 * 24 * 3_600;

export interface Schedule {
  priority: number;
  startWithinSeconds: number | null;
  maxRunSeconds: number | null;
}

function seconds(value: number | null, param: string): number | null {
  if (value !== null && (!Number.isInteger(value) || value < 1 || value > MAX_DEADLINE_SECONDS)) {
    throw new InvalidParamError(param, `${param} must be a whole number of seconds from 1 to ${MAX_DEADLINE_SECONDS}.`);
  }
  return value;
}

/** A submit's schedule, checked: a maximum running time only for CLOUD runs, the ones the gateway can stop. */
export function checkedSchedule(schedule: Schedule, cloud: boolean, prefix: string): Schedule {
  const { priority } = schedule;
  if (!Number.isInteger(priority) || priority < PRIORITY_RANGE.min || priority > PRIORITY_RANGE.max) {
    throw new InvalidParamError(`${prefix}priority`, `priority must be a whole number from ${PRIORITY_RANGE.min} to ${PRIORITY_RANGE.max}.`);
  }
  const maxRunSeconds = seconds(schedule.maxRunSeconds, `${prefix}maxRunSeconds`);
  if (maxRunSeconds !== null && !cloud) {
    throw new InvalidParamError(`${prefix}maxRunSeconds`, 'Only a CLOUD run can be given a maximum running time: other runners are stopped where they run.');
  }
  return { priority, startWithinSeconds: seconds(schedule.startWithinSeconds, `${prefix}startWithinSeconds`), maxRunSeconds };
}
