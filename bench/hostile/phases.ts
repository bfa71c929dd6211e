import { readConfig } from '../../src/config.ts';
import { closedLoop, type LoopResult } from '../closed-loop.ts';
import type { GraphQLHttpClient } from '../graphql-http.ts';
import type { Measured } from '../measured.ts';
import { mebibytes, ms } from '../percentiles.ts';
import type { RssSamples } from '../rss-sampler.ts';
import { claimTask, type Lease, reportProgress } from '../worker-cycle.ts';
import { openCappedStreams } from './capped-streams.ts';
import { LARGEST_PAGE, requestLargestPages, tryAliasedPages } from './large-responses.ts';
import { type Arena, measureWindow } from './phase-window.ts';
import { openStalledStream, type StalledStream, type StreamFate } from './stalled-sse.ts';

/** The models of the attacker's tasks: those the worker claims in each phase, no one else's. */
export const LARGE_MODEL = 'bench-hostile-large';
export const SMALL_MODEL = 'bench-hostile-small';
/** Long enough that no lease expires during a run. */
const LEASE_SECONDS = 600;
const PAGE_CALLERS = 2;
const STALLED_STREAMS = 5;
/** Selecting each task's input, so every event is as large as the task: about 0.8 MiB. */
const LARGE_EVENTS = 'subscription { taskEvents { cursor type task { id input } } }';
/** Selecting little, so the cost of an event is its fan-out, not its size. */
const SMALL_EVENTS = 'subscription($filter: TaskEventFilter) { taskEvents(filter: $filter) { cursor type task { id } } }';
/** Reading what a stalled stream was sent takes well under a second over loopback; past this, it was never cut. */
const RESUME_TIMEOUT_MS = 15_000;
const OTHER_EVENT_TYPES = ['SUBMITTED', 'CLAIMED', 'REQUEUED', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;

export interface PhaseResult {
  phase: string;
  /** What the attacker did meanwhile. */
  attack: string;
  /** What the attacker got for it. */
  got: string;
  victim: Measured;
  rss: RssSamples;
  /** Anything not as the gateway promises: an attack left unbounded, attacker requests that failed. */
  findings: string[];
}

/** The worker reporting progress on one claimed task as fast as it is answered: one event per call. */
function produceProgress(worker: GraphQLHttpClient, lease: Lease, durationMs: number): Promise<LoopResult> {
  let call = 0;
  return closedLoop({
    concurrency: 1,
    durationMs,
    next: () => {
      const progress = (++call % 100) / 100;
      return () => reportProgress(worker, lease, progress);
    },
  });
}

/** Events made in a phase, and a finding when the worker's calls failed; none made fails the run. */
function eventsMade(phase: string, loop: LoopResult, findings: string[]): string {
  if (loop.latencies.length === 0) throw new Error(`${phase}: the worker made no event: ${loop.firstError ?? 'no call answered'}`);
  if (loop.errors > 0) findings.push(`${phase}: ${loop.errors} of the worker's reportProgress calls failed; the first: ${loop.firstError ?? ''}`);
  return `${loop.latencies.length.toLocaleString('en')} events (${((loop.latencies.length * 1000) / loop.elapsedMs).toFixed(0)}/s)`;
}

export async function quiet(arena: Arena): Promise<PhaseResult> {
  const phase = 'quiet';
  const { victim, rss } = await measureWindow(arena, phase, () => Promise.resolve());
  if (victim.latency.count === 0) throw new Error(`${phase}: the victim's reads all failed: ${victim.firstError ?? ''}`);
  return { phase, attack: 'none', got: '—', victim, rss, findings: [] };
}

export async function largeResponses(arena: Arena): Promise<PhaseResult> {
  const phase = 'large responses';
  const { url } = arena.gateway;
  const { apiKey } = arena.attacker;
  const findings: string[] = [];
  const aliased = await tryAliasedPages(url, apiKey);
  if (!aliased.refused) findings.push(`${phase}: ten aliased tasks(first: 40) were not refused: ${aliased.answer}`);
  const { victim, rss, attack } = await measureWindow(arena, phase, (durationMs) =>
    requestLargestPages({ url, apiKey, callers: PAGE_CALLERS, durationMs }),
  );
  // Not one page: the attack was never made, so the phase measured nothing of it.
  if (attack.responses === 0) throw new Error(`${phase}: no page of tasks(first: ${LARGEST_PAGE}) arrived: ${attack.firstError ?? 'none answered in time'}`);
  if (attack.errors > 0) findings.push(`${phase}: ${attack.errors} of the attacker's pages failed; the first: ${attack.firstError ?? ''}`);
  const perPage = attack.bytes / attack.responses;
  // What each page in flight made the gateway hold, against the page itself: the cost limit is meant to bound the former by the latter.
  const grown = rss.peakBytes - rss.startBytes;
  findings.push(
    `${phase}: the gateway's RSS rose ${mebibytes(grown)} above the phase's start with ${PAGE_CALLERS} pages of ${mebibytes(perPage)} in flight, ` +
      `about ${(grown / PAGE_CALLERS / perPage).toFixed(1)}× a page's size for each.`,
  );
  const refusal = aliased.refused ? `refused ${aliased.answer}` : `NOT refused: ${aliased.answer}`;
  return {
    phase,
    attack: `${PAGE_CALLERS} callers in a loop: tasks(first: ${LARGEST_PAGE}) { id input } of its 0.8 MiB tasks; once 10 aliases × tasks(first: 40)`,
    got: `${attack.responses} pages of ${mebibytes(perPage)} (${mebibytes(attack.bytes)} in all), ${ms(attack.latency.p50)} each (p50); the 10 × 40 ${refusal}`,
    victim,
    rss,
    findings,
  };
}

function fatesOf(fates: StreamFate[]): string {
  const kinds = ['cut', 'ended', 'open', 'failed'] as const;
  const words = { cut: 'cut with SLOW_CONSUMER', ended: 'ended without SLOW_CONSUMER', open: `still open after ${RESUME_TIMEOUT_MS / 1000} s of reading`, failed: 'failed' };
  return kinds
    .map((kind) => ({ kind, count: fates.filter((fate) => fate.kind === kind).length }))
    .filter(({ count }) => count > 0)
    .map(({ kind, count }) => `${count} ${words[kind]}`)
    .join(', ');
}

export async function stalledSse(arena: Arena): Promise<PhaseResult> {
  const phase = 'stalled SSE reader';
  const { url } = arena.gateway;
  const lease = await claimTask(arena.worker, LARGE_MODEL, LEASE_SECONDS);
  const streams: StalledStream[] = [];
  try {
    for (let n = 0; n < STALLED_STREAMS; n++) streams.push(await openStalledStream(url, arena.attacker.apiKey, LARGE_EVENTS));
    const { victim, rss, attack } = await measureWindow(arena, phase, (durationMs) => produceProgress(arena.worker, lease, durationMs));
    const findings: string[] = [];
    const events = eventsMade(phase, attack, findings);
    // Read only once the worker stopped, so what arrives is what the gateway held for each stream, and its last word.
    const fates = await Promise.all(streams.map((stream) => stream.resumeAndCheck(RESUME_TIMEOUT_MS)));
    const uncut = fates.filter((fate) => fate.kind !== 'cut');
    if (uncut.length > 0) findings.push(`${phase}: ${uncut.length} of ${STALLED_STREAMS} stalled streams were not cut off: ${JSON.stringify(uncut)}`);
    const mostRead = Math.max(...fates.map((fate) => fate.bytes));
    return {
      phase,
      attack: `${STALLED_STREAMS} SSE taskEvents streams selecting task.input, never read; the worker's progress on a 0.8 MiB task: ${events}`,
      got: `${fatesOf(fates)}; read afterwards: at most ${mebibytes(mostRead)} a stream (listener bound ${mebibytes(readConfig().listenerBufferBytes)})`,
      victim,
      rss,
      findings,
    };
  } finally {
    for (const stream of streams) stream.destroy();
  }
}

/**
 * Filter `index`, each different so that no two streams share an execution,
 * each accepting the progress of `taskId`: PROGRESS with one of the 64
 * subsets of the other types, and `taskId` with the first 0 to 7 of `others`.
 */
function distinctFilter(index: number, taskId: string, others: string[]): { filter: { types: string[]; taskIds: string[] } } {
  const subset = index % 2 ** OTHER_EVENT_TYPES.length;
  const types = ['PROGRESS', ...OTHER_EVENT_TYPES.filter((_, bit) => (subset >> bit) & 1)];
  return { filter: { types, taskIds: [taskId, ...others.slice(0, Math.floor(index / 2 ** OTHER_EVENT_TYPES.length))] } };
}

export async function subscriptionCap(arena: Arena): Promise<PhaseResult> {
  const phase = 'client at its subscription cap';
  // As the gateway reads them: it runs with this process's environment.
  const { maxSubscriptionsPerKey: cap, maxSubscriptionsPerConnection: perSocket } = readConfig();
  if (cap + 1 > 2 ** OTHER_EVENT_TYPES.length * (arena.attacker.largeTaskIds.length + 1)) throw new Error(`${phase}: too few distinct filters for ${cap + 1} streams`);
  const lease = await claimTask(arena.worker, SMALL_MODEL, LEASE_SECONDS);
  const streams = await openCappedStreams({
    url: arena.gateway.url,
    apiKey: arena.attacker.apiKey,
    streams: cap,
    perSocket,
    query: SMALL_EVENTS,
    variablesOf: (index) => distinctFilter(index, lease.taskId, arena.attacker.largeTaskIds),
    poke: () => reportProgress(arena.worker, lease, 0.01),
  });
  try {
    const oneMore = await streams.tryOneMore();
    const open = streams.count('open');
    const findings: string[] = [];
    if (!oneMore.refused) findings.push(`${phase}: stream ${cap + 1} of the key was not refused: ${oneMore.answer}`);
    if (open < cap) findings.push(`${phase}: only ${open} of ${cap} streams opened (${streams.count('refused')} refused); the first refusal or end: ${streams.firstEnd ?? ''}`);
    const before = streams.deliveries();
    const { victim, rss, attack } = await measureWindow(arena, phase, (durationMs) => produceProgress(arena.worker, lease, durationMs));
    const events = eventsMade(phase, attack, findings);
    const delivered = streams.deliveries() - before;
    const due = attack.latencies.length * open;
    const ended = streams.count('ended');
    if (ended > 0) findings.push(`${phase}: ${ended} streams ended during the phase; the first: ${streams.firstEnd ?? ''}`);
    return {
      phase,
      attack: `${open} taskEvents streams with distinct filters on ${Math.ceil(cap / perSocket)} WebSockets; the worker's progress on a small task: ${events}`,
      got:
        `${open} open, stream ${cap + 1} ${oneMore.refused ? 'refused SUBSCRIPTION_LIMIT' : `NOT refused (${oneMore.answer})`}; ` +
        `${delivered.toLocaleString('en')} of ${due.toLocaleString('en')} deliveries arrived within the phase` +
        (ended > 0 ? `; ${ended} streams ended` : ''),
      victim,
      rss,
      findings,
    };
  } finally {
    await streams.close();
  }
}
