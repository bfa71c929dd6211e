import type { NewAccount } from '../src/services/accounts.ts';
import type { BenchGateway } from './gateway.ts';

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
  /** A fresh gateway process, so each scenario's peak RSS is its own. */
  startGateway(options?: { listenerBuffer?: number }): Promise<BenchGateway>;
  newAccount(credits: number): Promise<NewAccount>;
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
