import type { TestProject } from 'vitest/node';
import { migrate } from '../../src/db/migrate.ts';
import { queryOnce } from '../../src/db/query-once.ts';
import { databaseUrl, startScratchServer } from '../../src/db/scratch-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresServerUrl: string;
    templateDatabase: string;
  }
}

/**
 * One PostgreSQL for the run (DATABASE_URL's server, else embedded) and one
 * migrated template database; every test file clones its own from it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startScratchServer();
  const template = `taskgate_template_${process.pid}`;
  await queryOnce(server.url, `DROP DATABASE IF EXISTS ${template}`);
  await queryOnce(server.url, `CREATE DATABASE ${template}`);
  await migrate(databaseUrl(server.url, template));
  project.provide('postgresServerUrl', server.url);
  project.provide('templateDatabase', template);
  return async () => {
    await queryOnce(server.url, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await server.stop();
  };
}
