import type { Runner, TaskState } from '../generated/prisma/enums.ts';
import type { Metadata } from './task-labels.ts';

/**
 * Which tasks a list, a stream or a bulk cancel takes: each field given must
 * hold, an omitted one matches all. Lists match any of their values, but for
 * `tags`, which match tasks holding all of them; `metadata` matches tasks
 * holding every entry; ranges are from (inclusive) and before (exclusive).
 */
export interface TaskFilterValue {
  states?: readonly TaskState[] | null;
  models?: readonly string[] | null;
  runners?: readonly Runner[] | null;
  tags?: readonly string[] | null;
  metadata?: Metadata | null;
  createdFrom?: Date | null;
  createdBefore?: Date | null;
  updatedFrom?: Date | null;
  updatedBefore?: Date | null;
}

/** What of a task a filter looks at. */
export interface FilteredTask {
  state: TaskState;
  modelName: string;
  runner: Runner;
  tags: readonly string[];
  metadata: unknown;
  createdAt: Date;
  updatedAt: Date;
}

function within(at: Date, from: Date | null | undefined, before: Date | null | undefined): boolean {
  return (!from || at >= from) && (!before || at < before);
}

function holdsEntries(metadata: unknown, wanted: Metadata): boolean {
  if (metadata === null || typeof metadata !== 'object') return false;
  const held = metadata as Record<string, unknown>;
  return Object.entries(wanted).every(([key, value]) => held[key] === value);
}

/** The filter as streams apply it to each event's task, the same rules the database's queries follow. */
export function matchesTask(filter: TaskFilterValue, task: FilteredTask): boolean {
  return (
    (!filter.states || filter.states.includes(task.state)) &&
    (!filter.models || filter.models.includes(task.modelName)) &&
    (!filter.runners || filter.runners.includes(task.runner)) &&
    (!filter.tags || filter.tags.every((tag) => task.tags.includes(tag))) &&
    (!filter.metadata || holdsEntries(task.metadata, filter.metadata)) &&
    within(task.createdAt, filter.createdFrom, filter.createdBefore) &&
    within(task.updatedAt, filter.updatedFrom, filter.updatedBefore)
  );
}

const RANGES = ['createdFrom', 'createdBefore', 'updatedFrom', 'updatedBefore'] as const;

/** The filter as kept with a job: JSON, its times in ISO text, omitted fields left out. */
export function filterToJson(filter: TaskFilterValue): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(filter)
      .filter(([, value]) => value !== null && value !== undefined)
      .map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value]),
  );
}

/** A filter kept by filterToJson, as it was. */
export function filterFromJson(json: unknown): TaskFilterValue {
  const fields = (json !== null && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  const filter = { ...fields } as TaskFilterValue & Record<string, unknown>;
  for (const key of RANGES) if (typeof fields[key] === 'string') filter[key] = new Date(fields[key]);
  return filter;
}
