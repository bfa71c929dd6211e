import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.ts';
import { MIGRATIONS_DIR, readMigrations } from '../../src/db/migrations.ts';
import { queryOnce } from '../../src/db/query-once.ts';
import { backendsOf } from '../helpers/backends.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { entryPath, runProcess } from '../helpers/processes.ts';
import { waitUntil } from '../helpers/wait.ts';

const databases: TestDatabase[] = [];

async function emptyDatabase(): Promise<string> {
  const database = await createTestDatabase(false);
  databases.push(database);
  return database.url;
}

interface HistoryRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  applied_steps_count: number;
}

afterEach(async () => {
  await Promise.all(databases.splice(0).map((database) => database.drop()));
});

describe('migrations on start', () => {
  it('apply every migration once and record it as prisma migrate deploy does', async () => {
    const url = await emptyDatabase();
    const names = (await readMigrations()).map((migration) => migration.name);

    expect(await migrate(url)).toEqual(names);
    const history = await queryOnce<HistoryRow>(url, 'SELECT * FROM "_prisma_migrations" ORDER BY migration_name');
    for (const [index, row] of history.entries()) {
      const file = await readFile(path.join(MIGRATIONS_DIR, names[index] ?? '', 'migration.sql'));
      expect(row).toMatchObject({
        migration_name: names[index],
        checksum: createHash('sha256').update(file).digest('hex'),
        applied_steps_count: 1,
      });
      expect(row.finished_at).toBeInstanceOf(Date);
    }
    expect(await queryOnce(url, 'SELECT name FROM "Model" ORDER BY name')).toHaveLength(4);
  });

  it('apply nothing the second time', async () => {
    const url = await emptyDatabase();
    await migrate(url);
    expect(await migrate(url)).toEqual([]);
  });

  it('are safe when several instances start at once: each migration is applied exactly once', async () => {
    const url = await emptyDatabase();
    const runs = await Promise.all(Array.from({ length: 5 }, () => migrate(url)));

    expect(runs.flat()).toEqual((await readMigrations()).map((migration) => migration.name));
    const counts = await queryOnce<{ n: string }>(url, 'SELECT COUNT(*) AS n FROM "_prisma_migrations" GROUP BY migration_name');
    expect(counts.every((row) => row.n === '1')).toBe(true);
  });

  it('refuse to start when an applied migration was changed since', async () => {
    const url = await emptyDatabase();
    const migrations = await readMigrations();
    await migrate(url, migrations);
    const edited = migrations.map((migration) => ({ ...migration, checksum: 'f'.repeat(64) }));
    await expect(migrate(url, edited)).rejects.toThrow(/changed after it was applied/);
  });

  it('leave no trace of a migration that fails, and refuse to go on until it is resolved', async () => {
    const url = await emptyDatabase();
    const broken = { name: '20990101000000_broken', sql: 'CREATE TABLE "Half" (id int); SELECT no_such_function();', checksum: 'a'.repeat(64) };
    await expect(migrate(url, [broken])).rejects.toThrow(/20990101000000_broken failed/);

    expect(await queryOnce(url, `SELECT to_regclass('"Half"') IS NULL AS gone`)).toEqual([{ gone: true }]);
    await expect(migrate(url, [broken])).rejects.toThrow(/failed earlier/);
  });

  it('survive a start killed while a migration waits for a lock: the next start finds it applied, once', async () => {
    const url = await emptyDatabase();
    await migrate(url);
    const pending = {
      name: '20990101000000_add_column',
      sql: 'ALTER TABLE "Model" ADD COLUMN "note" text;',
      checksum: createHash('sha256').update('20990101000000_add_column').digest('hex'),
    };
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE "Model" IN ACCESS EXCLUSIVE MODE');
    const script = `const { migrate } = await import(${JSON.stringify(pathToFileURL(entryPath('main').replace(/main\.js$/, 'db/migrate.js')).href)});
      await migrate(process.env.URL, [${JSON.stringify(pending)}]);`;
    const starting = runProcess(process.execPath, ['--input-type=module', '-e', script], { URL: url, PGAPPNAME: 'taskgate-migrating' });
    try {
      // Its migration waits on the lock; then the process dies as kill -9 kills it.
      await waitUntil(async () => (await backendsOf(url, 'taskgate-migrating')).some((backend) => backend.waitEventType === 'Lock'));
      starting.child.kill('SIGKILL');
      await starting.exited();
    } finally {
      await holder.query('COMMIT');
      await holder.end();
    }
    // Its session, left behind, finishes the migration with its record or not at all: the next start
    // waits for it, then either finds the migration applied or applies it.
    const applied = await migrate(url, [...(await readMigrations()), pending]);
    expect([[], [pending.name]]).toContainEqual(applied);
    const history = await queryOnce<HistoryRow>(url, `SELECT * FROM "_prisma_migrations" WHERE migration_name = '${pending.name}'`);
    expect(history).toHaveLength(1);
    expect(history[0]?.finished_at).toBeInstanceOf(Date);
    expect(await queryOnce(url, `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'Model' AND column_name = 'note'`)).toEqual([{ n: 1 }]);
  });
});
