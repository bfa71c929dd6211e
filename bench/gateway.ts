import { type BenchServer, startChildServer } from './child-server.ts';

export interface GatewayOptions {
  databaseUrl: string;
  /** Undelivered events a listener may hold; the streams scenario must never reach it. */
  listenerBuffer: number;
  /** Where the gateway writes a V8 CPU profile when it exits; none when absent. */
  cpuProfileDir?: string;
}

export type BenchGateway = BenchServer;

/** `npm start` as its own process. Demo credentials and the demo worker stay off. */
export function startGateway(options: GatewayOptions): Promise<BenchGateway> {
  const profile = options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir] : [];
  return startChildServer({
    name: 'gateway',
    args: [...profile, '--enable-source-maps', 'dist/main.js'],
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      PORT: '0',
      TASKGATE_DEMO: '0',
      TASKGATE_DEMO_WORKER: '0',
      TASKGATE_LISTENER_BUFFER: String(options.listenerBuffer),
      // The benchmark drives one key far beyond a tenant's fair share on purpose.
      TASKGATE_RATE_LIMIT: '0',
    },
  });
}
