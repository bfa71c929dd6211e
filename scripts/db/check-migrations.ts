import { parseArgs } from 'node:util';
import { diffMigrationsToSchema } from './lib/diff-migrations.ts';

// Exit codes: 0 in sync, 1 drift, 2 the check itself failed (e.g. a migration does not apply).
const { values } = parseArgs({
  options: {
    schema: { type: 'string', default: 'prisma/schema.prisma' },
    migrations: { type: 'string', default: 'prisma/migrations' },
    sql: { type: 'boolean', default: false },
  },
});

async function main(): Promise<number> {
  const base = { schemaPath: values.schema, migrationsPath: values.migrations };
  const summary = await diffMigrationsToSchema({ ...base, script: false });
  if (summary.exitCode === 0) {
    console.log(`OK: ${values.migrations} matches ${values.schema}.`);
    return 0;
  }
  console.error(`DRIFT: ${values.migrations} does not produce the database described by ${values.schema}.`);
  console.error('Changes needed to bring the migrations up to the schema:\n');
  console.error(summary.stdout?.trim() ?? '(no details)');
  if (values.sql) {
    const script = await diffMigrationsToSchema({ ...base, script: true });
    console.error('\nSQL that would do it:\n');
    console.error(script.stdout?.trim() ?? '');
  } else {
    console.error('\nRun the migration generator (or pass --sql) to see the SQL.');
  }
  return 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('Drift check failed to run:');
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
