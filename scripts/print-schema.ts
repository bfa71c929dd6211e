import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { printedSchema } from '../src/schema/print.ts';

// Exit codes: 0 written or in sync, 1 drift.
const { values } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    file: { type: 'string', default: path.join(import.meta.dirname, '..', 'schema.graphql') },
  },
});
const printed = printedSchema();

if (values.check) {
  const committed = await readFile(values.file, 'utf8').catch(() => '');
  if (committed !== printed) {
    console.error(`${values.file} differs from the Pothos schema; run \`npm run schema:print\` and commit it.`);
    process.exitCode = 1;
  } else {
    console.log(`${values.file} matches the Pothos schema.`);
  }
} else {
  await writeFile(values.file, printed);
  console.log(`wrote ${values.file}`);
}
