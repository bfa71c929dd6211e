import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { databaseUrl } from '../../src/db/scratch-server.ts';

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('postgresServerUrl') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of this file's own, cloned from the run's template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `taskgate_test_${randomBytes(6).toString('hex')}`;
  const template = inject('templateDatabase');
  for (let attempt = 0; ; attempt++) {
    try {
      await admin(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      break;
    } catch (error) {
      // Two clones of one template at the same instant can collide; a retry succeeds.
      if (attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
    }
  }
  return {
    url: databaseUrl(inject('postgresServerUrl'), name),
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
