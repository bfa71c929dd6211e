import { type BenchServer, startChildServer } from './child-server.ts';

export interface GatewayOptions {
  databaseUrl: string;
  /** Undelivered events a listener may hold; the streams scenario must never reach it. */
  listenerBuffer: number;
  /** Where the gateway writes a V8 CPU profile when it exits; none when absent. */
  cpuProfileDir?: string;
  /** Keep the stream limits (streams per key and per socket, deliveries per key) at their defaults. */
  tenantLimits: boolean;
  /** More of the gateway's environment, set last: a scenario's own settings, such as the webhook addresses it may call. */
  env?: Record<string, string>;
  /** The Node binary to run it on; the benchmark's own when absent. */
  node?: string;
}

/** The streams scenario drives one key far beyond a tenant's fair share of streams on purpose. */
const NO_STREAM_LIMITS = {
  TASKGATE_MAX_SUBSCRIPTIONS_PER_KEY: '1000000',
  TASKGATE_MAX_SUBSCRIPTIONS_PER_CONNECTION: '100000',
  TASKGATE_MAX_DELIVERIES_PER_KEY: '0',
};

export type BenchGateway = BenchServer;

/** `npm start` as its own process. Demo credentials and the demo worker stay off. */
export function startGateway(options: GatewayOptions): Promise<BenchGateway> {
  const profile = options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir] : [];
  return startChildServer({
    name: 'gateway',
    node: options.node,
    args: [...profile, '--enable-source-maps', 'dist/main.js'],
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      PORT: '0',
      TASKGATE_DEMO: '0',
      TASKGATE_DEMO_WORKER: '0',
      TASKGATE_LISTENER_BUFFER: String(options.listenerBuffer),
      // The load generator's one key sends far more requests than a tenant's rate, on purpose.
      TASKGATE_RATE_LIMIT: '0',
      ...(options.tenantLimits ? {} : NO_STREAM_LIMITS),
      ...options.env,
    },
  });
}
