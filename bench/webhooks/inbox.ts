import type { IncomingHttpHeaders } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { decodeEventCursor } from '../../src/events/cursor.ts';
import { type EventPosition, isAfter } from '../../src/events/position.ts';

/**
 * One in this many messages is kept whole and its signature verified after
 * the run: enough to show the deliveries are really signed, without an HMAC
 * per message in the process that also generates the load.
 */
const VERIFY_EVERY = 10;

/** A message kept whole, to verify its signature once the endpoint's secret is known and the run is over. */
interface Sample {
  headers: Record<string, string>;
  body: string;
}

export interface SignatureCheck {
  verified: number;
  failed: number;
  firstFailure: string | undefined;
}

/** The payload fields the harness reads; the rest is the task. */
interface Payload {
  type?: unknown;
  data?: { at?: unknown };
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

/**
 * What one endpoint was sent, as it arrived: each message's arrival time and
 * its event's age then, and whatever breaks the gateway's promises of one
 * delivery per event, in log order (a `webhook-id` seen twice, a cursor not
 * past the last one, a body that is not a task event).
 */
export class Inbox {
  /** Arrival times, epoch milliseconds with a fraction, in the order the messages came. */
  readonly arrivals: number[] = [];
  /** For each arrival, its event's `at` to the arrival, in ms. */
  readonly latencies: number[] = [];
  readonly types = new Map<string, number>();
  duplicates = 0;
  outOfOrder = 0;
  malformed = 0;
  private readonly seen = new Set<string>();
  private last: EventPosition | undefined;
  private readonly samples: Sample[] = [];
  private secret: string | undefined;

  /** Messages with a `webhook-id` not seen before. */
  get unique(): number {
    return this.seen.size;
  }

  /** The endpoint's signing secret, known once `createWebhookEndpoint` answered. */
  signedWith(secret: string): void {
    this.secret = secret;
  }

  receive(arrivedAt: number, headers: IncomingHttpHeaders, body: string): void {
    const id = header(headers, 'webhook-id');
    const fresh = !this.seen.has(id);
    if (fresh) this.seen.add(id);
    else this.duplicates += 1;
    const position = decodeEventCursor(id);
    let payload: Payload | undefined;
    try {
      payload = JSON.parse(body) as Payload;
    } catch {
      payload = undefined;
    }
    const at = typeof payload?.data?.at === 'string' ? Date.parse(payload.data.at) : Number.NaN;
    if (!position || typeof payload?.type !== 'string' || Number.isNaN(at)) {
      this.malformed += 1;
      return;
    }
    // A repeat is counted once, as a duplicate; an event that is new but not past the last one came out of order.
    if (fresh && this.last && !isAfter(position, this.last)) this.outOfOrder += 1;
    if (!this.last || isAfter(position, this.last)) this.last = position;
    this.types.set(payload.type, (this.types.get(payload.type) ?? 0) + 1);
    if (this.arrivals.length % VERIFY_EVERY === 0) {
      this.samples.push({
        body,
        headers: { 'webhook-id': id, 'webhook-timestamp': header(headers, 'webhook-timestamp'), 'webhook-signature': header(headers, 'webhook-signature') },
      });
    }
    this.arrivals.push(arrivedAt);
    this.latencies.push(arrivedAt - at);
  }

  /** Verifies the kept messages with the endpoint's secret, as a Standard Webhooks receiver would. */
  verifySamples(): SignatureCheck {
    const check: SignatureCheck = { verified: 0, failed: 0, firstFailure: undefined };
    if (this.secret === undefined) {
      return { ...check, failed: this.samples.length, firstFailure: this.samples.length > 0 ? 'no secret for the endpoint' : undefined };
    }
    const webhook = new Webhook(this.secret);
    for (const sample of this.samples) {
      try {
        webhook.verify(sample.body, sample.headers);
        check.verified += 1;
      } catch (error) {
        check.failed += 1;
        check.firstFailure ??= error instanceof Error ? error.message : String(error);
      }
    }
    return check;
  }
}
