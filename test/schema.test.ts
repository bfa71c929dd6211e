import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { isObjectType } from 'graphql';
import { schema } from '../src/schema/index.ts';
import { printedSchema } from '../src/schema/print.ts';
import { TASK_FIELD_COLUMNS } from '../src/schema/task/task-columns.ts';

it('schema.graphql is the schema the code serves', async () => {
  const committed = await readFile(new URL('../schema.graphql', import.meta.url), 'utf8');
  expect(committed).toBe(printedSchema());
});

it('names the columns of every field of Task, so a read of a task selects only what its fields read', () => {
  const task = schema.getType('Task');
  expect(isObjectType(task)).toBe(true);
  const fields = isObjectType(task) ? Object.keys(task.getFields()) : [];
  expect(Object.keys(TASK_FIELD_COLUMNS).filter((name) => name !== '__typename').sort()).toEqual(fields.sort());
});
