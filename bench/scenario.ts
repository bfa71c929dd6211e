import type { NewAccount } from '../src/services/accounts.ts';
import type { NewWorker } from '../src/services/workers.ts';
import type { BenchServer } from './child-server.ts';
import type { BenchGateway } from './gateway.ts';
import type { PgbenchLookup } from './pgbench/find-pgbench.ts';
import type { PostgresCpu } from './postgres-cpu.ts';

export interface BenchSettings {
  /** Listener counts of the streams scenario, run one after the other. */
  listeners: number[];
  /** Changes pushed to the listeners, and the time between them. */
  events: number;
  spacingMs: number;
  /** Subscriptions per WebSocket; undefined picks one per socket when file descriptors allow. */
  perSocket: number | undefined;
  /** How long each throughput scenario sends requests. */
  durationMs: number;
  cpuProfileDir: string | undefined;
}

export interface BenchContext {
  settings: BenchSettings;
  /** The benchmark's database, for setup rows and for pgbench. */
  databaseUrl: string;
  /** Connections in the gateway's pool, which the bare graphql-yoga baseline copies. */
  poolSize: number;
  /** The pgbench the baselines run, or why they are skipped. */
  pgbench: PgbenchLookup;
  /** Undefined when PostgreSQL is not a process of this machine. */
  postgresCpu: PostgresCpu | undefined;
  /**
   * A fresh gateway process, so each scenario's peak RSS is its own. Rate
   * limits are off, and so are the stream limits of a key unless
   * `tenantLimits` keeps them: the scenarios drive one key far past a
   * tenant's share on purpose. `env` adds to the gateway's environment.
   * It is warmed with requests before it is returned (warm-up.ts), unless
   * `warmUp` is false: for a scenario that warms what it measures itself.
   */
  startGateway(options?: { listenerBuffer?: number; tenantLimits?: boolean; env?: Record<string, string>; node?: string; warmUp?: boolean }): Promise<BenchGateway>;
  /** The bare graphql-yoga baseline of `task(id)`, in a process of its own, on `node` when given. */
  startBareYoga(node?: string): Promise<BenchServer>;
  /** PostGraphile 5 on the Node 22 it needs, in a process of its own, or why it cannot run here. */
  startPostgraphile(): Promise<{ server: BenchServer; node: string } | { skipped: string }>;
  newAccount(credits: number): Promise<NewAccount>;
  newWorker(): Promise<NewWorker>;
  log(line: string): void;
}

export interface ScenarioReport {
  heading: string;
  /** What was measured and how, in a sentence or two. */
  intro: string;
  header: string[];
  rows: string[][];
  /** Findings of this run: goals met or missed, anomalies. */
  notes: string[];
}

export interface Scenario {
  name: string;
  run(context: BenchContext): Promise<ScenarioReport>;
}
