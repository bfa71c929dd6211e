import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { WebhookEndpointRow } from '../db/sql/rows.ts';
import { type AttemptRecord, claimEndpoints } from '../db/sql/webhook-deliveries.ts';
import { outageLog } from '../observability/outage-log.ts';
import type { AddressPolicy } from './address-guard.ts';
import { EndpointTurn } from './endpoint-turn.ts';
import type { RetryPolicy } from './retry-schedule.ts';

export interface WebhookSettings {
  addresses: AddressPolicy;
  retry: RetryPolicy;
  /** One attempt's time limit, connecting and answering included. */
  timeoutMs: number;
  /** How long an instance holds an endpoint it delivers to; one that dies holding it gives it up after this. */
  leaseMs: number;
  /** Endpoints this instance delivers to at once. */
  concurrency: number;
  /** How often it looks for due work unwoken: retries coming due, and commits it was not told of. */
  pollMs: number;
}

/**
 * Passes start at most this often: a wake comes with every commit, and under
 * a burst of them one pass every few milliseconds finds the same work.
 */
const MIN_PASS_GAP_MS = 10;

export interface WebhookDispatcher {
  /** Something may be due: new events committed, or a message was queued. */
  wake(): void;
  /** Ends after the attempts in flight, releasing every endpoint held. */
  stop(): Promise<void>;
}

/**
 * This instance's share of webhook delivery: it leases due endpoints in
 * PostgreSQL, as many as it may serve at once, and gives each a turn. Every
 * instance runs one; the leases make each endpoint served by one at a time.
 */
export function startWebhookDispatcher(
  settings: WebhookSettings,
  logger: Logger,
  attempted: (endpoint: WebhookEndpointRow, attempt: AttemptRecord) => void,
): WebhookDispatcher {
  const claims = outageLog(logger, 'webhook delivery');
  const turns = new Set<Promise<void>>();
  let stopping = false;
  let passing: Promise<void> | undefined;
  let again = false;
  let lastPassAt = 0;
  let deferred: NodeJS.Timeout | undefined;

  const turnSettings = { ...settings, stopping: () => stopping, attempted };

  const startTurn = (endpoint: WebhookEndpointRow, lease: string): void => {
    const turn = new EndpointTurn(endpoint, { ...turnSettings, owner: lease })
      .run()
      .catch((error: unknown) => {
        claims.failed(error);
      })
      .finally(() => {
        turns.delete(turn);
        wake();
      });
    turns.add(turn);
  };

  const pass = async (): Promise<void> => {
    const free = settings.concurrency - turns.size;
    if (free <= 0 || stopping) return;
    // A lease of each pass's own: a turn that outlived its lease (an attempt slow under load) writes nothing
    // once this instance has claimed the endpoint again, as it would not once another instance had.
    const lease = randomUUID();
    const claimed = await claimEndpoints(lease, free, settings.leaseMs);
    claims.succeeded();
    for (const endpoint of claimed) startTurn(endpoint, lease);
  };

  function wake(): void {
    if (stopping) return;
    if (passing) {
      again = true;
      return;
    }
    const wait = lastPassAt + MIN_PASS_GAP_MS - Date.now();
    if (wait > 0) {
      deferred ??= setTimeout(() => {
        deferred = undefined;
        wake();
      }, wait);
      return;
    }
    lastPassAt = Date.now();
    passing = pass()
      .catch((error: unknown) => {
        claims.failed(error);
      })
      .finally(() => {
        passing = undefined;
        // Woken while it ran: what woke it may have committed after its claim read.
        if (again) {
          again = false;
          wake();
        }
      });
  }

  const poll = setInterval(wake, settings.pollMs).unref();
  wake();
  return {
    wake,
    async stop() {
      stopping = true;
      clearInterval(poll);
      clearTimeout(deferred);
      await passing;
      await Promise.all(turns);
    },
  };
}
