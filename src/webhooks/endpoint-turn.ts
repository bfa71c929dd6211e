import { type LogPosition, readEvent, readLog } from '../db/sql/event-log.ts';
import type { WebhookEndpointRow } from '../db/sql/rows.ts';
import {
  type AttemptRecord,
  eventsDone,
  giveUp,
  type Held,
  headRetry,
  messageDone,
  nextMessage,
  passOver,
  releaseEndpoint,
  type WebhookMessageRow,
} from '../db/sql/webhook-deliveries.ts';
import type { LoggedEvent } from '../db/sql/event-log.ts';
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { AddressPolicy } from './address-guard.ts';
import { eventMessage, noticeMessage, type OutgoingMessage } from './payload.ts';
import { type RetryPolicy, retryDelayMs, windowPassed } from './retry-schedule.ts';
import { sendWebhook, type WebhookOutcome } from './send-webhook.ts';

/** Events read from the log at once for one endpoint, and at most about this many bytes of their tasks. */
const PAGE_EVENTS = 100;
const PAGE_BYTES = 4 * 1024 * 1024;

export interface TurnSettings {
  /** The lease the endpoint was claimed under: this turn's alone. */
  owner: string;
  leaseMs: number;
  timeoutMs: number;
  addresses: AddressPolicy;
  retry: RetryPolicy;
  /** Whether the dispatcher is stopping: a turn then ends after the attempt in flight. */
  stopping(): boolean;
  /** Told of every attempt, for the metrics and the log. */
  attempted(endpoint: WebhookEndpointRow, attempt: AttemptRecord): void;
}

/** The secrets that sign now: the current one, and the one before it during a rotation's overlap. */
function signingSecrets(endpoint: WebhookEndpointRow, now: Date): string[] {
  const overlapping = endpoint.previousSecret !== null && endpoint.previousSecretExpiresAt !== null && endpoint.previousSecretExpiresAt > now;
  return overlapping && endpoint.previousSecret ? [endpoint.secret, endpoint.previousSecret] : [endpoint.secret];
}

function matches(endpoint: WebhookEndpointRow, event: LoggedEvent): boolean {
  return (
    (endpoint.eventTypes.length === 0 || endpoint.eventTypes.includes(event.type)) &&
    (endpoint.models.length === 0 || endpoint.models.includes(event.task.modelName))
  );
}

/** What the head's failures so far make of this outcome. */
type Verdict = { done: true; attempt: AttemptRecord } | { done: false; attempt: AttemptRecord; givesUp: boolean };

/**
 * One endpoint's turn while this instance holds its lease: its queued
 * messages first, then the log from its position, in order, until it has
 * nothing due, its head fails, or half the lease has gone. The head blocks
 * the messages behind it while it is retried: a receiver sees the log in
 * order, and a failure worth retrying is nearly always the receiver's being
 * down, when the messages behind would fail alike.
 */
export class EndpointTurn {
  private readonly held: Held;
  private readonly deadline: number;
  private position: LogPosition;
  private headAttempts: number;
  private failingSince: Date | null;

  constructor(
    private readonly endpoint: WebhookEndpointRow,
    private readonly settings: TurnSettings,
  ) {
    this.held = { endpointId: endpoint.id, owner: settings.owner, leaseMs: settings.leaseMs };
    this.deadline = Date.now() + settings.leaseMs / 2;
    this.position = { txid: endpoint.positionTxid, id: endpoint.positionId };
    this.headAttempts = endpoint.headAttempts;
    this.failingSince = endpoint.failingSince;
  }

  async run(): Promise<void> {
    try {
      while (this.mayGoOn()) {
        const message = await nextMessage(this.endpoint.id);
        if (message ? !(await this.sendQueued(message)) : !(await this.walkLog())) return;
      }
    } finally {
      await releaseEndpoint(this.endpoint.id, this.settings.owner).catch(() => undefined);
    }
  }

  private mayGoOn(): boolean {
    return !this.settings.stopping() && Date.now() < this.deadline;
  }

  /** A queued message; whether the turn goes on. */
  private async sendQueued(message: WebhookMessageRow): Promise<boolean> {
    const outgoing = await this.outgoingOf(message);
    if (!outgoing) {
      const attempt = this.record({ id: `msg_${message.id}`, type: 'redelivery', body: '' }, 'REJECTED', null, 'the event is no longer in the log');
      return messageDone(this.held, attempt, message.id);
    }
    const verdict = await this.attempt(outgoing);
    if (verdict.done) return messageDone(this.held, verdict.attempt, message.id);
    await this.failHead(verdict, this.position);
    return false;
  }

  private async outgoingOf(message: WebhookMessageRow): Promise<OutgoingMessage | undefined> {
    if (message.kind !== 'REDELIVERY') return noticeMessage({ ...message, kind: message.kind });
    if (message.eventTxid === null || message.eventId === null) return undefined;
    const event = await readEvent({ txid: BigInt(message.eventTxid), id: BigInt(message.eventId) }, this.endpoint.accountId);
    return event && eventMessage(event);
  }

  /**
   * The next page of the log; whether the turn goes on. Deliveries are
   * written as a run, at the page's end or before a failing head, rather
   * than one by one: the receiver's pace, not the database's, sets the rate.
   */
  private async walkLog(): Promise<boolean> {
    const page = await readLog({ after: this.position, accountId: this.endpoint.accountId, limit: PAGE_EVENTS, bytes: PAGE_BYTES });
    const done: AttemptRecord[] = [];
    let through: LogPosition | undefined;
    const flush = async (): Promise<boolean> => {
      if (!through) return true;
      let held = true;
      if (done.length > 0) held = await eventsDone(this.held, done.splice(0), through);
      else await passOver(this.held, through);
      this.position = through;
      through = undefined;
      return held;
    };
    for (const event of page.events) {
      const at = { txid: event.txid, id: event.id };
      if (!matches(this.endpoint, event)) {
        through = at;
        continue;
      }
      const verdict = await this.attempt(eventMessage(event));
      if (!verdict.done) {
        if (!(await flush())) return false;
        await this.failHead(verdict, this.position);
        return false;
      }
      done.push(verdict.attempt);
      through = at;
      this.headAttempts = 0;
      this.failingSince = null;
      if (!this.mayGoOn()) {
        await flush();
        return false;
      }
    }
    return (await flush()) && page.more;
  }

  private async attempt(outgoing: OutgoingMessage): Promise<Verdict> {
    const now = new Date();
    const outcome = await sendWebhook(
      {
        url: this.endpoint.url,
        body: outgoing.body,
        messageId: outgoing.id,
        timestamp: Math.floor(now.getTime() / 1000),
        secrets: signingSecrets(this.endpoint, now),
        timeoutMs: this.settings.timeoutMs,
      },
      this.settings.addresses,
    );
    return this.verdictOf(outgoing, outcome, now);
  }

  private verdictOf(outgoing: OutgoingMessage, outcome: WebhookOutcome, now: Date): Verdict {
    if (outcome.kind === 'delivered') return { done: true, attempt: this.record(outgoing, 'DELIVERED', outcome, null) };
    if (outcome.kind === 'rejected') return { done: true, attempt: this.record(outgoing, 'REJECTED', outcome, outcome.error) };
    const givesUp = windowPassed(this.failingSince ?? now, now, this.settings.retry);
    if (givesUp) return { done: false, givesUp, attempt: this.record(outgoing, 'GAVE_UP', outcome, outcome.error) };
    const delay = retryDelayMs(this.headAttempts + 1, this.settings.retry, outcome.retryAfterMs);
    return { done: false, givesUp, attempt: this.record(outgoing, 'RETRYING', outcome, outcome.error, new Date(now.getTime() + delay)) };
  }

  private record(
    outgoing: OutgoingMessage,
    outcome: AttemptRecord['outcome'],
    sent: WebhookOutcome | null,
    error: string | null,
    nextAttemptAt: Date | null = null,
  ): AttemptRecord {
    const attempt = {
      messageId: outgoing.id,
      type: outgoing.type,
      attempt: this.headAttempts + 1,
      outcome,
      status: sent?.status ?? null,
      latencyMs: Math.round(sent?.latencyMs ?? 0),
      error,
      responseBody: sent?.responseBody ?? null,
      nextAttemptAt,
    };
    this.settings.attempted(this.endpoint, attempt);
    return attempt;
  }

  private async failHead(verdict: Verdict & { done: false }, handled: LogPosition): Promise<void> {
    if (!verdict.givesUp) {
      await headRetry(this.held, verdict.attempt, handled);
      return;
    }
    const notice = {
      endpointId: encodeGlobalID('WebhookEndpoint', this.endpoint.id),
      url: this.endpoint.url,
      reason: 'FAILING',
      failingSince: (this.failingSince ?? new Date()).toISOString(),
    };
    await giveUp(this.held, verdict.attempt, handled, notice);
  }
}
