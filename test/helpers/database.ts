import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { connectDatabase, disconnectDatabase } from '../../src/db/client.ts';
import { queryOnce } from '../../src/db/query-once.ts';
import { databaseUrl } from '../../src/db/scratch-server.ts';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh database of the caller's own: migrated, cloned from the run's
 * template, or empty when `migrated` is false.
 */
export async function createTestDatabase(migrated = true): Promise<TestDatabase> {
  const name = `taskgate_test_${randomBytes(6).toString('hex')}`;
  const template = migrated ? inject('templateDatabase') : 'template0';
  for (let attempt = 0; ; attempt++) {
    try {
      await queryOnce(inject('postgresServerUrl'), `CREATE DATABASE ${name} TEMPLATE ${template}`);
      break;
    } catch (error) {
      // Two clones of one template at the same instant can collide; a retry succeeds.
      if (attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
    }
  }
  return {
    url: databaseUrl(inject('postgresServerUrl'), name),
    drop: async () => {
      await queryOnce(inject('postgresServerUrl'), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** A database of the test file's own, with this process connected to it; dropped after the file's tests. */
export function useTestDatabase(): { readonly url: string } {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    connectDatabase(database.url);
  });
  afterAll(async () => {
    await disconnectDatabase();
    await database?.drop();
  });
  return {
    get url() {
      if (!database) throw new Error('database not created yet');
      return database.url;
    },
  };
}
