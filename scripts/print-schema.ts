import { readFile, writeFile } from 'node:fs/promises';
import { printedSchema } from '../src/schema/print.ts';

const FILE = new URL('../schema.graphql', import.meta.url);
const printed = printedSchema();

if (process.argv.includes('--check')) {
  const committed = await readFile(FILE, 'utf8').catch(() => '');
  if (committed !== printed) {
    console.error('schema.graphql differs from the Pothos schema; run `npm run schema:print` and commit it.');
    process.exit(1);
  }
  console.log('schema.graphql matches the Pothos schema.');
} else {
  await writeFile(FILE, printed);
  console.log('wrote schema.graphql');
}
