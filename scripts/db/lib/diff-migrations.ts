import { withSchemaEngine } from './schema-engine.ts';
import type { DiffResult } from './schema-engine.ts';
import { readMigrations, readSchemaFiles } from './prisma-files.ts';
import { startScratchServer } from '../../../src/db/scratch-server.ts';
import { ScratchPostgres } from './scratch-postgres.ts';

export interface DiffOptions {
  schemaPath: string;
  migrationsPath: string;
  /** true: executable SQL; false: human-readable summary. */
  script: boolean;

}

/**
 * Diffs "all migrations applied to an empty database" against the Prisma
 * schema, like `prisma migrate diff --from-migrations … --to-schema …`.
 * Scratch databases go on DATABASE_URL's server, else on an embedded one.
 * `exitCode` is 0 when both describe the same database and 2 when not.
 */
export async function diffMigrationsToSchema(options: DiffOptions): Promise<DiffResult> {
  const files = readSchemaFiles(options.schemaPath);
  const migrations = readMigrations(options.migrationsPath);
  const server = await startScratchServer();
  const postgres = new ScratchPostgres(server.url);
  try {
    return await withSchemaEngine(postgres, files, (engine) =>
      engine.diff({
        from: { tag: 'migrations', ...migrations },
        to: { tag: 'schemaDatamodel', files },
        script: options.script,
        exitCode: true,
        filters: { externalTables: [], externalEnums: [] },
      }),
    );
  } finally {
    await postgres.cleanup();
    await server.stop();
  }
}
