import { type Summary, summarize } from '../percentiles.ts';
import type { Inbox, SignatureCheck } from './inbox.ts';

/** How fast messages arrived: the rate over the span from the first to the last, and each event's age on arrival. */
export interface DeliveryTiming {
  received: number;
  spanMs: number;
  /** Messages per second over the span: its intervals, so one message alone gives no rate. */
  perSecond: number;
  /** Each event's `at` to its arrival, in ms. */
  latency: Summary;
  /** Between one message to an endpoint and its next: the time a delivery takes an endpoint, which is sent one at a time. */
  gap: Summary;
}

/** Whatever the endpoints were sent that breaks the promise of every event once, in order, signed. */
export interface DeliveryFlaws {
  /** Distinct events the endpoints were due, summed over them. */
  expected: number;
  missing: number;
  /** Distinct events beyond those due: another account's, or events the harness did not make. */
  unexpected: number;
  duplicates: number;
  outOfOrder: number;
  /** Bodies that are not task events, or `webhook-id`s that are not cursors. */
  malformed: number;
  signatures: SignatureCheck;
}

/** The messages of the inboxes that arrived in [from, to] (epoch ms), all of them without bounds. */
export function deliveryTiming(inboxes: readonly Inbox[], from = -Infinity, to = Infinity): DeliveryTiming {
  const latencies: number[] = [];
  const gaps: number[] = [];
  let first = Infinity;
  let last = -Infinity;
  for (const inbox of inboxes) {
    let previous: number | undefined;
    inbox.arrivals.forEach((arrival, index) => {
      if (arrival < from || arrival > to) return;
      first = Math.min(first, arrival);
      last = Math.max(last, arrival);
      latencies.push(inbox.latencies[index] ?? Number.NaN);
      if (previous !== undefined) gaps.push(arrival - previous);
      previous = arrival;
    });
  }
  const spanMs = latencies.length > 1 ? last - first : Number.NaN;
  return {
    received: latencies.length,
    spanMs,
    perSecond: ((latencies.length - 1) * 1000) / spanMs,
    latency: summarize(latencies),
    gap: summarize(gaps),
  };
}

/** Each inbox against the distinct events it was due, `expected[i]`; its signatures verified from the samples it kept. */
export function deliveryFlaws(inboxes: readonly Inbox[], expected: readonly number[]): DeliveryFlaws {
  const total = (count: (inbox: Inbox, due: number) => number): number =>
    inboxes.reduce((sum, inbox, index) => sum + count(inbox, expected[index] ?? 0), 0);
  const signatures: SignatureCheck = { verified: 0, failed: 0, firstFailure: undefined };
  for (const check of inboxes.map((inbox) => inbox.verifySamples())) {
    signatures.verified += check.verified;
    signatures.failed += check.failed;
    signatures.firstFailure ??= check.firstFailure;
  }
  return {
    expected: total((_, due) => due),
    missing: total((inbox, due) => Math.max(0, due - inbox.unique)),
    unexpected: total((inbox, due) => Math.max(0, inbox.unique - due)),
    duplicates: total((inbox) => inbox.duplicates),
    outOfOrder: total((inbox) => inbox.outOfOrder),
    malformed: total((inbox) => inbox.malformed),
    signatures,
  };
}

/** Whether nothing is wrong with what was sent. */
export function flawless(flaws: DeliveryFlaws): boolean {
  return flaws.missing + flaws.unexpected + flaws.duplicates + flaws.outOfOrder + flaws.malformed + flaws.signatures.failed === 0;
}
