import { randomUUID } from 'node:crypto';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { queryOnce } from '../../../src/db/query-once.ts';
import { databaseUrl } from '../../../src/db/scratch-server.ts';
import { PgSchemaAdapter } from './pg-schema-adapter.ts';

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Adapter factory for the schema engine. Each shadow database is a fresh
 * database on the same server, dropped again by `cleanup()`. (PrismaPg's own
 * connectToShadowDb is avoided: given a connection string, its shadow pool
 * connects to the main database, and it drops the shadow database while its
 * pool is still connected.)
 */
export class ScratchPostgres implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres';
  readonly adapterName = '@prisma/adapter-pg';
  private readonly created: string[] = [];
  constructor(private readonly url: string) {}

  connect(): Promise<SqlDriverAdapter> {
    return PgSchemaAdapter.connect(this.url);
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const name = `prisma_shadow_${randomUUID().replaceAll('-', '')}`;
    await queryOnce(this.url, `CREATE DATABASE ${quoteIdent(name)}`);
    this.created.push(name);
    return PgSchemaAdapter.connect(databaseUrl(this.url, name));
  }

  async cleanup(): Promise<void> {
    for (const name of this.created.splice(0)) {
      // FORCE (PostgreSQL 13+) ends any session the engine left open.
      await queryOnce(this.url, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    }
  }
}
