import { closedLoop } from '../closed-loop.ts';
import { SUBMIT_CONCURRENCY } from '../scenarios/submit.ts';
import { seedPendingTasks } from '../seed-tasks.ts';
import { submitTask } from '../task-operations.ts';
import { type AttemptLog, readAttemptLog } from './attempt-log.ts';
import { addEndpoints, type HookedAccount, newHookedAccount, setEndpointsEnabled, type WebhookArena } from './arena.ts';
import { awaitDeliveries, lingerForRepeats } from './await-deliveries.ts';
import { type CpuSpent, startCpuWindow } from './cpu-window.ts';
import { type DeliveryFlaws, deliveryFlaws, type DeliveryTiming, deliveryTiming } from './delivery-summary.ts';

/** Events each delivery run makes, spread evenly over its accounts. */
export const DELIVERY_EVENTS = 2_000;
export const MODEL = 'image-fast';
/** Only a bound: the submits of a live run end when DELIVERY_EVENTS were sent. */
const SUBMIT_LIMIT_MS = 300_000;

export interface DeliveryRun {
  label: string;
  accounts: number;
  /** How the events were made, for the table. */
  load: string;
  /** Live: events made while they are delivered, so each one's age on arrival is its delivery latency. */
  live: boolean;
  timing: DeliveryTiming;
  flaws: DeliveryFlaws;
  /** The gateway's delivery log of these endpoints. */
  attempts: AttemptLog;
  /** From the first event made (live) or the endpoints enabled (backlog) to the last delivery. */
  cpu: CpuSpent;
  /** Whether every event due arrived before deliveries stalled. */
  complete: boolean;
  /** Submits that failed, and the first failure. */
  submitErrors: number;
  firstSubmitError: string | undefined;
}

/** `accounts` fresh accounts with one endpoint each. */
async function hookedAccounts(arena: WebhookArena, accounts: number): Promise<HookedAccount[]> {
  const made: HookedAccount[] = [];
  for (let n = 0; n < accounts; n++) {
    const account = await newHookedAccount(arena);
    await addEndpoints(arena, account, 1);
    made.push(account);
  }
  return made;
}

function accountsLabel(accounts: number): string {
  return accounts === 1 ? 'one endpoint' : `${accounts} endpoints of ${accounts} accounts`;
}

/**
 * DELIVERY_EVENTS submits from SUBMIT_CONCURRENCY callers, as fast as they
 * are answered, the n-th for account n mod `accounts`; then the wait for
 * each endpoint to be sent all its account's SUBMITTED events.
 */
export async function liveDeliveries(arena: WebhookArena, accounts: number): Promise<DeliveryRun> {
  const { context } = arena;
  const hooked = await hookedAccounts(arena, accounts);
  const submitted = hooked.map(() => 0);
  let started = 0;
  context.log(`webhooks: ${DELIVERY_EVENTS} submits to ${accountsLabel(accounts)}, delivered as they commit`);
  const stopCpu = await startCpuWindow(arena.gateway, context.postgresCpu);
  const loop = await closedLoop({
    concurrency: SUBMIT_CONCURRENCY,
    durationMs: SUBMIT_LIMIT_MS,
    next: () => {
      if (started >= DELIVERY_EVENTS) return undefined;
      const index = started++ % accounts;
      const account = hooked[index];
      return account
        ? async () => {
            await submitTask(account.client, MODEL);
            submitted[index] = (submitted[index] ?? 0) + 1;
          }
        : undefined;
    },
  });
  if (loop.latencies.length === 0) throw new Error(`webhooks: no submit succeeded: ${loop.firstError ?? 'none answered'}`);
  const inboxes = hooked.flatMap((account) => account.inboxes);
  const complete = await awaitDeliveries(inboxes, submitted);
  const cpu = await stopCpu();
  await lingerForRepeats();
  const ok = loop.latencies.length;
  return {
    label: `deliveries, ${accountsLabel(accounts)}, while submitted`,
    accounts,
    load: `${ok.toLocaleString('en')} submits from ${SUBMIT_CONCURRENCY} callers in ${(loop.elapsedMs / 1000).toFixed(1)} s (${((ok * 1000) / loop.elapsedMs).toFixed(0)}/s)`,
    live: true,
    timing: deliveryTiming(inboxes),
    flaws: deliveryFlaws(inboxes, submitted),
    attempts: await readAttemptLog(context.databaseUrl, hooked.map((account) => account.accountId)),
    cpu,
    complete,
    submitErrors: loop.errors,
    firstSubmitError: loop.firstError,
  };
}

/**
 * The dispatcher's own pace, with nothing else to do: DELIVERY_EVENTS
 * pending tasks seeded in bulk while the endpoints are disabled, then the
 * endpoints enabled and the backlog sent. The CPU then is the deliveries'
 * alone, per delivery the figure that says what they cost.
 */
export async function backlogDeliveries(arena: WebhookArena, accounts: number): Promise<DeliveryRun> {
  const { context } = arena;
  const hooked = await hookedAccounts(arena, accounts);
  const each = Math.ceil(DELIVERY_EVENTS / accounts);
  context.log(`webhooks: a backlog of ${each * accounts} events sent to ${accountsLabel(accounts)}`);
  for (const account of hooked) await setEndpointsEnabled(account, false);
  for (const account of hooked) await seedPendingTasks(context.databaseUrl, account.accountId, MODEL, each);
  const stopCpu = await startCpuWindow(arena.gateway, context.postgresCpu);
  for (const account of hooked) await setEndpointsEnabled(account, true);
  const inboxes = hooked.flatMap((account) => account.inboxes);
  const expected = inboxes.map(() => each);
  const complete = await awaitDeliveries(inboxes, expected);
  const cpu = await stopCpu();
  await lingerForRepeats();
  return {
    label: `deliveries, ${accountsLabel(accounts)}, a backlog`,
    accounts,
    load: `${(each * accounts).toLocaleString('en')} SUBMITTED events seeded in bulk while the endpoints were disabled, then enabled`,
    live: false,
    timing: deliveryTiming(inboxes),
    flaws: deliveryFlaws(inboxes, expected),
    attempts: await readAttemptLog(context.databaseUrl, hooked.map((account) => account.accountId)),
    cpu,
    complete,
    submitErrors: 0,
    firstSubmitError: undefined,
  };
}
