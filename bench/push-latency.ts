import type { BenchGateway } from './gateway.ts';
import { GraphQLHttpClient } from './graphql-http.ts';
import { submitTask } from './task-operations.ts';
import { type ListenerPool, openListeners } from './ws-listeners.ts';

const LISTEN = 'subscription { taskEvents { cursor type task { id state } } }';
const CONNECT_CONCURRENCY = 64;
const WARM_UP_ROUNDS = 20;
/** How long nothing may arrive before a wait counts as settled: longer for the measured events, which may queue. */
const WARM_UP_QUIET_MS = 1_000;
const DELIVERY_QUIET_MS = 5_000;
const DELIVERY_TIMEOUT_MS = 60_000;

export interface PushRun {
  listeners: number;
  sockets: number;
  connectMs: number;
  /** Push latency of every listener × event pair received, in ms from just before the mutation was sent. */
  samples: number[];
  expected: number;
  /** Messages that were not the measured events: errors, completions, duplicates. */
  unexpected: number;
  droppedSockets: number;
  /** Round trip of the mutations themselves, in ms. */
  mutationMs: number[];
  rssIdleBytes: number;
  rssConnectedBytes: number;
  peakRssBytes: number;
  /** CPU seconds the gateway and this load generator spent while the events were pushed. */
  gatewayCpu: number;
  loadCpu: number;
  pushWindowMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Waits until `count()` reaches `target`, or stops changing for `quietMs`, or the time is up. */
async function settle(count: () => number, target: number, limitMs: number, quietMs: number): Promise<void> {
  const deadline = performance.now() + limitMs;
  let last = count();
  let changedAt = performance.now();
  while (count() < target && performance.now() < deadline) {
    await sleep(50);
    if (count() !== last) {
      last = count();
      changedAt = performance.now();
    } else if (performance.now() - changedAt > quietMs) {
      return;
    }
  }
}

/**
 * Subscriptions are not acknowledged in graphql-transport-ws, so changes are
 * made until every listener has heard one: only then is each surely
 * registered, and the measured events that follow reach all of them.
 */
async function warmUp(pool: ListenerPool, client: GraphQLHttpClient): Promise<void> {
  for (let round = 0; round < WARM_UP_ROUNDS && pool.heard() < pool.listeners.length; round++) {
    await submitTask(client, 'upscale');
    await settle(() => pool.heard(), pool.listeners.length, 10_000, WARM_UP_QUIET_MS);
  }
  if (pool.heard() < pool.listeners.length) {
    throw new Error(`only ${pool.heard()} of ${pool.listeners.length} listeners heard the warm-up events`);
  }
  await settle(() => pool.received(), Number.POSITIVE_INFINITY, 30_000, WARM_UP_QUIET_MS);
}

interface NextMessage {
  type?: string;
  payload?: { data?: { taskEvents?: { task?: { id?: string } } } };
}

function measuredTaskOf(data: Buffer): string | undefined {
  const message = JSON.parse(data.toString()) as NextMessage;
  return message.type === 'next' ? message.payload?.data?.taskEvents?.task?.id : undefined;
}

export interface PushOptions {
  gateway: BenchGateway;
  apiKey: string;
  listeners: number;
  perSocket: number;
  events: number;
  spacingMs: number;
}

/** N listeners of one account on one gateway; K changes of that account; when each listener got each. */
export async function measurePush(options: PushOptions): Promise<PushRun> {
  const { gateway } = options;
  const client = new GraphQLHttpClient(gateway.url, options.apiKey, 1);
  const rssIdleBytes = (await gateway.memory()).rssBytes;
  const connectStarted = performance.now();
  const pool = await openListeners({
    url: gateway.url,
    apiKey: options.apiKey,
    listeners: options.listeners,
    perSocket: options.perSocket,
    query: LISTEN,
    connectConcurrency: CONNECT_CONCURRENCY,
  });
  try {
    await warmUp(pool, client);
    const connectMs = performance.now() - connectStarted;
    const rssConnectedBytes = (await gateway.memory()).rssBytes;

    const sentAt = new Map<string, number>();
    const mutationMs: number[] = [];
    const receivedBefore = pool.received();
    const gatewayCpuBefore = await gateway.cpuSeconds();
    const loadCpuBefore = process.cpuUsage();
    const started = performance.now();
    for (let event = 0; event < options.events; event++) {
      await sleep(started + event * options.spacingMs - performance.now());
      const sent = performance.now();
      const taskId = await submitTask(client, 'upscale');
      mutationMs.push(performance.now() - sent);
      sentAt.set(taskId, sent);
    }
    const expected = options.listeners * options.events;
    await settle(() => pool.received() - receivedBefore, expected, DELIVERY_TIMEOUT_MS, DELIVERY_QUIET_MS);
    const pushWindowMs = performance.now() - started;
    const loadCpu = process.cpuUsage(loadCpuBefore);
    const gatewayCpu = (await gateway.cpuSeconds()) - gatewayCpuBefore;

    const samples: number[] = [];
    let unexpected = 0;
    for (const listener of pool.listeners) {
      const seen = new Set<string>();
      for (const receipt of listener.receipts) {
        const taskId = measuredTaskOf(receipt.data);
        const sent = taskId === undefined ? undefined : sentAt.get(taskId);
        if (taskId !== undefined && sent !== undefined && !seen.has(taskId)) {
          seen.add(taskId);
          samples.push(receipt.at - sent);
        } else if (taskId === undefined || sent !== undefined) {
          unexpected += 1;
        }
      }
    }
    return {
      listeners: options.listeners,
      sockets: pool.sockets,
      connectMs,
      samples,
      expected,
      unexpected,
      droppedSockets: pool.dropped(),
      mutationMs,
      rssIdleBytes,
      rssConnectedBytes,
      peakRssBytes: (await gateway.memory()).peakRssBytes,
      gatewayCpu,
      loadCpu: (loadCpu.user + loadCpu.system) / 1e6,
      pushWindowMs,
    };
  } finally {
    await pool.close();
    client.close();
  }
}
