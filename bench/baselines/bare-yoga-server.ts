/**
 * The floor the gateway's `task(id)` is measured against: graphql-yoga with
 * nothing but one field, answering the benchmark's query text unchanged with
 * one `pg` point select of the row. No authentication, no query limits, no
 * Pothos, no Prisma: whatever the gateway spends beyond this is its own.
 * Run by the benchmark as a process of its own, like the gateway.
 */
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';
import pg from 'pg';

/**
 * The columns behind the fields the benchmark's `task(id)` query selects;
 * named, so each pooled connection prepares it once, as the gateway's own statements are.
 */
const SELECT_TASK = { name: 'select_task', text: 'SELECT id, state, progress, "creditsUsed", "updatedAt" FROM "Task" WHERE id = $1' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// The Error interface and the union exist only so the gateway's query text validates here unchanged.
const typeDefs = /* GraphQL */ `
  interface Error { message: String! code: String! }
  type TaskNotFoundError implements Error { message: String! code: String! }
  enum TaskState { PENDING RUNNING COMPLETED FAILED CANCELLED }
  type Task { id: ID! state: TaskState! progress: Float! creditsUsed: Int updatedAt: String! }
  union TaskResult = Task | TaskNotFoundError
  type Query { task(id: ID!): TaskResult! }
`;

interface TaskRow {
  id: string;
  state: string;
  progress: number;
  creditsUsed: number | null;
  updatedAt: Date;
}

type TaskResult =
  | { __typename: 'Task'; id: string; state: string; progress: number; creditsUsed: number | null; updatedAt: string }
  | { __typename: 'TaskNotFoundError'; message: string; code: string };

const NOT_FOUND: TaskResult = { __typename: 'TaskNotFoundError', message: 'No such task.', code: 'TASK_NOT_FOUND' };

/** The row id inside a Relay global id (base64 of `Task:<uuid>`), as the gateway issues them. */
function rowIdOf(globalId: string): string | undefined {
  const [typename, id] = Buffer.from(globalId, 'base64').toString('utf8').split(':', 2);
  return typename === 'Task' && id !== undefined && UUID.test(id) ? id : undefined;
}

function positiveInteger(raw: string | undefined, name: string): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${String(raw)}"`);
  return value;
}

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL is required');
const pool = new pg.Pool({ connectionString: databaseUrl, max: positiveInteger(process.env.BENCH_POOL_SIZE, 'BENCH_POOL_SIZE') });

const yoga = createYoga({
  schema: createSchema({
    typeDefs,
    resolvers: {
      Query: {
        task: async (_root: unknown, args: { id: string }): Promise<TaskResult> => {
          const id = rowIdOf(args.id);
          if (id === undefined) return NOT_FOUND;
          const { rows } = await pool.query<TaskRow>({ ...SELECT_TASK, values: [id] });
          const row = rows[0];
          if (!row) return NOT_FOUND;
          return { __typename: 'Task', ...row, id: args.id, updatedAt: row.updatedAt.toISOString() };
        },
      },
      TaskResult: { __resolveType: (result: TaskResult) => result.__typename },
    },
  }),
  graphqlEndpoint: '/graphql',
  landingPage: false,
  graphiql: false,
});

const server = createServer(yoga.requestListener);
// A free port, printed for the benchmark to read, as the gateway does.
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  console.log(`bare graphql-yoga listening on http://127.0.0.1:${port}/graphql`);
});

process.once('SIGTERM', () => {
  server.close(() => {
    void pool.end().then(() => process.exit(0));
  });
  server.closeAllConnections();
});
