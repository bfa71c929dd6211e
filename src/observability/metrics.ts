import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the gauges read when scraped; each part of the gateway answers for its own. */
export interface MetricSources {
  pool(): { total: number; idle: number; waiting: number };
  listeners(): Record<string, number>;
  /** Seconds between the newest committed event and the last one this instance delivered. */
  eventLagSeconds(): Promise<number>;
  /** What each enabled webhook endpoint has yet to be sent. */
  webhookBacklog(): Promise<WebhookBacklog[]>;
}

export interface WebhookBacklog {
  endpointId: string;
  /** Messages waiting: events past its position that it takes (counted up to a cap) and queued messages. */
  pending: number;
  /** Age of the oldest of them; 0 when none waits. */
  oldestSeconds: number;
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

  readonly deadlines = new Counter({
    name: 'taskgate_deadline_cancels_total',
    help: 'Tasks this instance cancelled for a start deadline or a maximum running time.',
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'taskgate_rate_limited_total',
    help: 'Requests refused for going over their key\'s rate, by key kind (client, worker).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly webhookAttempts = new Counter({
    name: 'taskgate_webhook_deliveries_total',
    help: 'Webhook delivery attempts made by this instance, by outcome (DELIVERED, RETRYING, REJECTED, GAVE_UP).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly webhookSeconds = new Histogram({
    name: 'taskgate_webhook_attempt_duration_seconds',
    help: 'Time from sending a webhook to its receiver\'s answer (or failure).',
    buckets: SECONDS,
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
      // Of several processes, the one furthest behind.
      aggregator: 'max',
      async collect() {
        this.set(await sources.eventLagSeconds());
      },
    });
    // Both read one query at a scrape; the second scrape's gauge reuses the first's answer.
    let backlog: Promise<WebhookBacklog[]> | undefined;
    const readBacklog = (): Promise<WebhookBacklog[]> => {
      backlog ??= sources.webhookBacklog().finally(() => {
        setTimeout(() => {
          backlog = undefined;
        }, 100).unref();
      });
      return backlog;
    };
    new Gauge({
      name: 'taskgate_webhook_pending_messages',
      help: 'Messages waiting to be sent to each enabled webhook endpoint (events counted up to 10000, plus queued messages); the same on every instance.',
      labelNames: ['endpoint'] as const,
      registers,
      // Read from the database, so every process reads the same: not to be added up.
      aggregator: 'max',
      async collect() {
        this.reset();
        for (const { endpointId, pending } of await readBacklog()) this.set({ endpoint: endpointId }, pending);
      },
    });
    new Gauge({
      name: 'taskgate_webhook_oldest_pending_seconds',
      help: 'Age of the oldest event waiting to be sent to each enabled webhook endpoint; 0 when it is up to date.',
      labelNames: ['endpoint'] as const,
      registers,
      aggregator: 'max',
      async collect() {
        this.reset();
        for (const { endpointId, oldestSeconds } of await readBacklog()) this.set({ endpoint: endpointId }, oldestSeconds);
      },
    });
  }
}
