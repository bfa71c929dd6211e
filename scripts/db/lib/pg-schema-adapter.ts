import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { ColumnTypeEnum, DriverAdapterError } from '@prisma/driver-adapter-utils';
import type { ConnectionInfo, IsolationLevel, SqlDriverAdapter, SqlQuery, SqlResultSet, Transaction } from '@prisma/driver-adapter-utils';

const CHAR_OID = 18; // the one-byte "char" type used throughout pg_catalog
const TEXT_OID = 25;

/** SQL text -> positions of its "char" result columns. */
type CharColumns = Map<string, number[]>;

// PrismaPg rejects "char" result columns, which the schema engine's catalog
// queries select (e.g. pg_constraint.contype). The pool reports them as text
// so PrismaPg accepts them, and remembers where they were so that queryRaw
// can hand them to the engine as the Character type it reads them as.
function createPool(connectionString: string, charColumns: CharColumns): pg.Pool {
  // allowExitOnIdle keeps idle pooled connections from holding the process open.
  const pool = new pg.Pool({ connectionString, allowExitOnIdle: true });
  const query = pool.query.bind(pool) as (config: pg.QueryConfig) => Promise<pg.QueryResult>;
  const relabellingQuery = async (config: pg.QueryConfig): Promise<pg.QueryResult> => {
    const result = await query(config);
    const positions: number[] = [];
    result.fields.forEach((field, index) => {
      if (field.dataTypeID !== CHAR_OID) return;
      field.dataTypeID = TEXT_OID;
      positions.push(index);
    });
    if (positions.length > 0) charColumns.set(config.text, positions);
    return result;
  };
  Object.assign(pool, { query: relabellingQuery });
  return pool;
}

function toAdapterError(error: unknown): unknown {
  if (!(error instanceof pg.DatabaseError)) return error;
  return new DriverAdapterError({
    kind: 'postgres',
    code: error.code ?? 'N/A',
    severity: error.severity ?? 'N/A',
    message: error.message,
    detail: error.detail,
    column: error.column,
    hint: error.hint,
  });
}

/**
 * PrismaPg with the two fixes the schema engine needs: "char" result columns
 * (see createPool) and whole-script execution. PrismaPg's executeScript splits
 * on every ";", which breaks function bodies and string literals in
 * hand-written migrations; sending the script in one simple-protocol query
 * runs it as one unit, like the native engine does.
 */
export class PgSchemaAdapter implements SqlDriverAdapter {
  readonly provider = 'postgres';
  readonly adapterName = '@prisma/adapter-pg';

  private constructor(
    private readonly inner: SqlDriverAdapter,
    private readonly pool: pg.Pool,
    private readonly charColumns: CharColumns,
  ) {}

  static async connect(connectionString: string): Promise<PgSchemaAdapter> {
    const charColumns: CharColumns = new Map();
    const pool = createPool(connectionString, charColumns);
    const inner = await new PrismaPg(pool).connect();
    // PrismaPg recognises a pool with instanceof; a second copy of "pg" would
    // make it open its own pool and skip the fixes above.
    if (inner.underlyingDriver() !== pool) {
      await pool.end();
      throw new Error('@prisma/adapter-pg did not adopt the pg pool; is more than one "pg" installed? (npm ls pg)');
    }
    return new PgSchemaAdapter(inner, pool, charColumns);
  }

  async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    const result = await this.inner.queryRaw(query);
    for (const index of this.charColumns.get(query.sql) ?? []) {
      result.columnTypes[index] = ColumnTypeEnum.Character;
    }
    return result;
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.inner.executeRaw(query);
  }

  // Queries inside transactions bypass the "char" handling; the engine only
  // reads the catalog outside of them.
  startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    return this.inner.startTransaction(isolationLevel);
  }

  getConnectionInfo(): ConnectionInfo {
    return this.inner.getConnectionInfo?.() ?? { supportsRelationJoins: true };
  }

  async executeScript(script: string): Promise<void> {
    // A checked-out client bypasses the pool's relabelling wrapper, which expects a single result.
    const client = await this.pool.connect();
    try {
      await client.query(script);
    } catch (error) {
      throw toAdapterError(error);
    } finally {
      client.release();
    }
  }

  async dispose(): Promise<void> {
    await this.inner.dispose();
    await this.pool.end();
  }
}
