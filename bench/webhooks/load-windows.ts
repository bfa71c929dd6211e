import type { LoopOptions } from '../closed-loop.ts';
import type { Measured } from '../measured.ts';
import { SUBMIT_CONCURRENCY } from '../scenarios/submit.ts';
import { seedPendingTasks } from '../seed-tasks.ts';
import { cancelTask, submitTask } from '../task-operations.ts';
import { measureThroughput } from '../throughput.ts';
import { type AttemptLog, readAttemptLog } from './attempt-log.ts';
import { addEndpoints, type HookedAccount, newHookedAccount, setEndpointsEnabled, type WebhookArena } from './arena.ts';
import { lingerForRepeats } from './await-deliveries.ts';
import { epochNow } from './clock.ts';
import { type DeliveryFlaws, deliveryFlaws, type DeliveryTiming, deliveryTiming } from './delivery-summary.ts';
import { MODEL } from './delivery-runs.ts';

/** Endpoints of the loaded account in a window "with" them, each sent every event. */
export const ACTIVE_ENDPOINTS = 10;
/** Pending tasks made for a cancel window, per second of it: as the cancel scenario, more than it is expected to cancel. */
const SEEDED_PER_SECOND = 4_000;

/** What the endpoints were sent while the load ran. */
export interface WindowDeliveries {
  /** Events the window committed times the endpoints: what they were due by its end. */
  due: number;
  /** The messages that arrived during the window. */
  timing: DeliveryTiming;
  /** Of every message the endpoints got, the late ones included; what was due is not all sent, by design. */
  flaws: DeliveryFlaws;
  /** Payload types seen, which should be the window's one kind of event. */
  types: string[];
  /** The gateway's delivery log of the endpoints, the attempts that ended after the window included. */
  attempts: AttemptLog;
}

export interface LoadWindow {
  run: Measured;
  endpoints: number;
  /** Undefined without endpoints. */
  deliveries: WindowDeliveries | undefined;
  /** Whether the cancel window ran out of pending tasks before its time was up. */
  exhausted: boolean;
}

/**
 * The closed loop of the submit and cancel scenarios: SUBMIT_CONCURRENCY
 * callers for the run's duration.
 */
async function measureWindow(arena: WebhookArena, operation: string, next: LoopOptions['next']): Promise<Measured> {
  const { context, gateway } = arena;
  context.log(`webhooks: ${operation}, ${SUBMIT_CONCURRENCY} callers for ${context.settings.durationMs / 1000} s`);
  return measureThroughput({ server: gateway, runBy: 'gateway', postgresCpu: context.postgresCpu }, operation, {
    concurrency: SUBMIT_CONCURRENCY,
    durationMs: context.settings.durationMs,
    next,
  });
}

/**
 * What arrived in [from, to]; the endpoints are disabled first, so the
 * backlog they were left does not compete with the next window.
 */
async function delivered(
  arena: WebhookArena,
  account: HookedAccount,
  run: Measured,
  from: number,
  to: number,
): Promise<WindowDeliveries | undefined> {
  if (account.endpoints.length === 0) return undefined;
  await setEndpointsEnabled(account, false);
  await lingerForRepeats();
  const types = new Set(account.inboxes.flatMap((inbox) => [...inbox.types.keys()]));
  return {
    due: run.latency.count * account.endpoints.length,
    timing: deliveryTiming(account.inboxes, from, to),
    flaws: deliveryFlaws(
      account.inboxes,
      account.inboxes.map((inbox) => inbox.unique),
    ),
    types: [...types],
    attempts: await readAttemptLog(arena.context.databaseUrl, [account.accountId]),
  };
}

function withOrWithout(operation: string, endpoints: number): string {
  return endpoints === 0 ? `${operation}, no endpoints` : `${operation}, ${endpoints} endpoints`;
}

/** Submits of one fresh account with `endpoints` endpoints, each sent every SUBMITTED event. */
export async function submitWindow(arena: WebhookArena, endpoints: number): Promise<LoadWindow> {
  const account = await newHookedAccount(arena);
  await addEndpoints(arena, account, endpoints);
  const from = epochNow();
  const run = await measureWindow(arena, withOrWithout('submitTask, one account', endpoints), () => async () => {
    await submitTask(account.client, MODEL);
  });
  return { run, endpoints, deliveries: await delivered(arena, account, run, from, epochNow()), exhausted: false };
}

/**
 * Cancels of one fresh account's pending tasks, seeded in bulk before its
 * endpoints are made, so they are sent the CANCELLED events alone.
 */
export async function cancelWindow(arena: WebhookArena, endpoints: number): Promise<LoadWindow> {
  const { context } = arena;
  const account = await newHookedAccount(arena);
  const count = Math.ceil((context.settings.durationMs / 1000) * SEEDED_PER_SECOND);
  context.log(`webhooks: seeding ${count} pending tasks to cancel`);
  const pending = (await seedPendingTasks(context.databaseUrl, account.accountId, MODEL, count)).map((task) => task.id);
  await addEndpoints(arena, account, endpoints);
  const from = epochNow();
  const run = await measureWindow(arena, withOrWithout('cancelTask (pending)', endpoints), () => {
    const taskId = pending.pop();
    return taskId === undefined ? undefined : () => cancelTask(account.client, taskId);
  });
  return { run, endpoints, deliveries: await delivered(arena, account, run, from, epochNow()), exhausted: pending.length === 0 };
}
