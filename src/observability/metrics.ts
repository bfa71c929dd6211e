import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the gauges read when scraped; each part of the gateway answers for its own. */
export interface MetricSources {
  pool(): { total: number; idle: number; waiting: number };
  listeners(): Record<string, number>;
  /** Seconds between the newest committed event and the last one this instance delivered. */
  eventLagSeconds(): Promise<number>;
}

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * This instance's metrics in Prometheus's format. Labels are bounded by the
 * schema (root field names, error codes, type names), never by what a client
 * sends, such as its operation names.
 */
export class GatewayMetrics {
  readonly registry = new Registry();

  readonly operations = new Counter({
    name: 'taskgate_operations_total',
    help: 'GraphQL root fields served, by operation type, field and outcome (the result type name, or the error code).',
    labelNames: ['type', 'field', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly operationSeconds = new Histogram({
    name: 'taskgate_operation_duration_seconds',
    help: 'Time to execute an operation, by operation type and root field.',
    labelNames: ['type', 'field'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });

  readonly leaseSweeps = new Counter({
    name: 'taskgate_lease_sweeps_total',
    help: 'Sweeps for expired leases, by outcome (ok, failed).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly leasesExpired = new Counter({
    name: 'taskgate_leases_expired_total',
    help: 'Expired leases handled by this instance, by what became of the task (requeued, failed).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'taskgate_rate_limited_total',
    help: 'Requests refused for going over their key\'s rate, by key kind (client, worker).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  constructor(sources: MetricSources) {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    new Gauge({
      name: 'taskgate_db_pool_connections',
      help: 'Connections of this instance\'s PostgreSQL pool, by state (in_use, idle), and requests waiting for one (waiting).',
      labelNames: ['state'] as const,
      registers,
      collect() {
        const { total, idle, waiting } = sources.pool();
        this.set({ state: 'in_use' }, total - idle);
        this.set({ state: 'idle' }, idle);
        this.set({ state: 'waiting' }, waiting);
      },
    });
    new Gauge({
      name: 'taskgate_stream_listeners',
      help: 'Open subscriptions on this instance, by transport (websocket, sse).',
      labelNames: ['transport'] as const,
      registers,
      collect() {
        for (const [transport, count] of Object.entries(sources.listeners())) this.set({ transport }, count);
      },
    });
    new Gauge({
      name: 'taskgate_event_lag_seconds',
      help: 'How far this instance\'s event reader is behind the newest committed event; 0 while nobody listens here.',
      registers,
      async collect() {
        this.set(await sources.eventLagSeconds());
      },
    });
  }
}
