import type { Summary } from './percentiles.ts';

/** One throughput run, of the gateway or of a baseline, as the report's tables show it. */
export interface Measured {
  operation: string;
  /** What served it: the gateway, the bare graphql-yoga baseline, pgbench. */
  runBy: string;
  concurrency: number;
  elapsedMs: number;
  latency: Summary;
  /** Completed requests (or transactions) per second. */
  perSecond: number;
  errors: number;
  firstError?: string;
  /** CPU seconds over the run. No server CPU or RSS for pgbench: nothing stands between it and the database. */
  serverCpu?: number;
  /** Undefined when PostgreSQL is not a process of this machine. */
  postgresCpu?: number;
  loadCpu: number;
  serverPeakRssBytes?: number;
}

/** How a row relates to its scenario's baseline, for the ratio columns. */
export type Role = { baseline: Measured | { perSecond: number; latency: Pick<Summary, 'p99'> } } | 'baseline' | 'alone';
