import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { printedSchema } from '../src/schema/print.ts';

it('schema.graphql is the schema the code serves', async () => {
  const committed = await readFile(new URL('../schema.graphql', import.meta.url), 'utf8');
  expect(committed).toBe(printedSchema());
});
