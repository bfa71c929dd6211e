import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { MigrationDirectory, MigrationList, SchemaContainer } from '@prisma/schema-engine-wasm/schema_engine_bg';

const MIGRATION_FILE = 'migration.sql';
const LOCKFILE = 'migration_lock.toml';
// Stands in for a missing lockfile before the first migration, so the engine
// still knows the connector and diffs against an empty shadow database.
const POSTGRES_LOCKFILE = 'provider = "postgresql"\n';

/** Reads one .prisma file, or every .prisma file below a folder (multi-file schemas). */
export function readSchemaFiles(schemaPath: string): SchemaContainer[] {
  const absolute = path.resolve(schemaPath);
  if (!statSync(absolute).isDirectory()) {
    return [{ path: absolute, content: readFileSync(absolute, 'utf8') }];
  }
  return readdirSync(absolute, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.prisma'))
    .sort()
    .map((file) => path.join(absolute, file))
    .map((file) => ({ path: file, content: readFileSync(file, 'utf8') }));
}

function readMigrationDirectory(baseDir: string, name: string): MigrationDirectory {
  const file = path.join(baseDir, name, MIGRATION_FILE);
  const content = existsSync(file)
    ? { tag: 'ok' as const, value: readFileSync(file, 'utf8') }
    : { tag: 'error' as const, value: `${file} does not exist` };
  return { path: name, migrationFile: { path: MIGRATION_FILE, content } };
}

/** Loads a Prisma migrations folder the way the CLI hands it to the schema engine. */
export function readMigrations(migrationsPath: string): MigrationList {
  const baseDir = path.resolve(migrationsPath);
  const lockfilePath = path.join(baseDir, LOCKFILE);
  const names = existsSync(baseDir)
    ? readdirSync(baseDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    : [];
  const lockfile = existsSync(lockfilePath) ? readFileSync(lockfilePath, 'utf8') : null;
  return {
    baseDir,
    lockfile: { path: LOCKFILE, content: lockfile ?? (names.length === 0 ? POSTGRES_LOCKFILE : null) },
    shadowDbInitScript: '',
    migrationDirectories: names.map((name) => readMigrationDirectory(baseDir, name)),
  };
}
