import { InvalidParamError } from '../../domain/errors.ts';
import type { TaskFilterValue } from '../../domain/task-filter.ts';
import { checkedMetadata, checkedTag } from '../../domain/task-labels.ts';
import { builder } from '../builder.ts';
import { RunnerEnum, TaskStateEnum } from '../enums.ts';

export const TaskFilter = builder.inputType('TaskFilter', {
  description:
    'Tasks matching every field given; an omitted one matches all. A list matches any of its values, but `tags` matches tasks with all of them; `metadata` (an object of strings) matches tasks holding every entry; each range is from (inclusive) and before (exclusive).',
  fields: (t) => ({
    states: t.field({ type: [TaskStateEnum], required: false }),
    models: t.stringList({ required: false }),
    runners: t.field({ type: [RunnerEnum], required: false }),
    tags: t.stringList({ required: false }),
    metadata: t.field({ type: 'JSON', required: false }),
    createdFrom: t.field({ type: 'DateTime', required: false }),
    createdBefore: t.field({ type: 'DateTime', required: false }),
    updatedFrom: t.field({ type: 'DateTime', required: false }),
    updatedBefore: t.field({ type: 'DateTime', required: false }),
  }),
});

export type TaskFilterShape = typeof TaskFilter.$inferInput;

/** The filter as given, checked: InvalidParamError names what cannot match anything as meant. */
export function filterValueOf(input: TaskFilterShape | null | undefined, param: string): TaskFilterValue {
  if (!input) return {};
  const { metadata, tags, ...rest } = input;
  if (metadata !== null && metadata !== undefined && (typeof metadata !== 'object' || Array.isArray(metadata))) {
    throw new InvalidParamError(`${param}.metadata`, 'metadata is an object of strings to match.');
  }
  return {
    ...rest,
    tags: tags?.map((tag, index) => checkedTag(tag, `${param}.tags.${index}`)) ?? null,
    metadata: metadata ? checkedMetadata(metadata, `${param}.metadata`) : null,
  };
}
