import type { PgbenchLookup } from './pgbench/find-pgbench.ts';
import { PGBENCH_CLIENTS } from './pgbench/pgbench-baseline.ts';

/** What the baselines are and how the ratio columns read, once at the top of the report. */
export const BASELINES_INTRO = [
  '**Each throughput scenario runs beside its baseline, in the same run on the same machine**, so the ratio between the two holds where the absolute figures move with whatever else the machine is doing.',
  '`task(id)` is compared with a bare graphql-yoga server (one field, one `pg` point select, no authentication), the cost of serving that query over GraphQL and HTTP at all, and with PostGraphile 5 answering the same row, what a team would pick instead; both run immediately before and after the gateway, all three on the Node PostGraphile needs.',
  "Submit, cancel and the worker cycle are compared with pgbench running the gateway's own SQL: the statements its services send, in the same order and transactions, prepared, with their parameters bound, from as many clients as the gateway has callers, straight to PostgreSQL: the database's pace for the same work, with nothing in between.",
  "pgbench leaves out the gateway's HTTP and GraphQL work and its NOTIFY after each commit (coalesced, outside the transaction); its cancel script alone adds a primary-key read that hands each transaction a task of its own. Values the gateway computes in JavaScript (timestamps) are fixed for a run, and SQL NULL parameters are written into the statement, which pgbench cannot bind: neither changes the work.",
  '`req/s vs baseline` is the row\'s throughput as a share of its baseline\'s; `p99 vs baseline`, its p99 as a multiple. Server CPU is the process between the load generator and the database (the gateway, or bare graphql-yoga); PostgreSQL CPU is the postmaster and all its processes, read from /proc. Both are given as cores busy over the run and as CPU time per completed request, which compares across different rates. pgbench\'s latencies come from its per-transaction log (one transaction = one pass of its script) and go through the same nearest-rank percentiles as the gateway\'s. The baselines share the cores too: pgbench and bare graphql-yoga take CPU from PostgreSQL just as the gateway and the load generator do.',
].join(' ');

/** The facts-table line on the baselines of this run. */
export function describeBaselines(pgbench: PgbenchLookup, poolSize: number): string {
  const bareYoga = `bare graphql-yoga (\`bench/baselines/bare-yoga-server.ts\`) and PostGraphile 5 (\`bench/baselines/postgraphile/\`), ${poolSize} pooled connections each`;
  const pgbenchLine =
    'skipped' in pgbench
      ? `pgbench skipped: ${pgbench.skipped}`
      : `${pgbench.version}, ${PGBENCH_CLIENTS} clients on 2 threads, prepared statements, a script per scenario (\`bench/pgbench/scripts.ts\`)`;
  return `${bareYoga}; ${pgbenchLine}`;
}
