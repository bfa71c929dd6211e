import { describe, expect, it } from 'vitest';
import { ConflictError, LeaseLostError, OperationNotSupportedError } from '../../src/domain/errors.ts';
import { creditsUsedFromLedger } from '../../src/domain/money.ts';
import { decide, type Decision, holdOf, type TaskCommand, type TaskFacts } from '../../src/domain/task-machine.ts';
import { PendingCancelPolicy, Runner, TaskState } from '../../src/generated/prisma/enums.ts';

const PRICE = 120;
const RETRY_SECONDS = 7;
const NOW = new Date('2026-12-01T12:00:00.000Z');
const LATER = new Date(NOW.getTime() + 30_000);
const EARLIER = new Date(NOW.getTime() - 1_000);
const WORKER = 'a0000000-0000-4000-8000-000000000001';
const OTHER_WORKER = 'a0000000-0000-4000-8000-000000000002';
const STATES = Object.values(TaskState);
const RUNNERS = Object.values(Runner);
const POLICIES = Object.values(PendingCancelPolicy);

/** A task in `state` as the machine would have left it: leased to WORKER on its first attempt while RUNNING. */
function taskIn(state: TaskState, overrides: Partial<TaskFacts> = {}): TaskFacts {
  const running = state === 'RUNNING';
  return {
    state,
    runner: 'CLOUD',
    progress: 0.3,
    price: PRICE,
    attempts: state === 'PENDING' ? 0 : 1,
    leaseOwner: running ? WORKER : null,
    leaseExpiresAt: running ? LATER : null,
    leaseSeconds: running ? 30 : null,
    startedAt: state === 'PENDING' ? null : EARLIER,
    startDeadline: null,
    runDeadline: null,
    policy: { pendingCancel: 'FREE', refundCutoff: 0.5, pendingCancelRetrySeconds: RETRY_SECONDS, ...RETRY_POLICY },
    ...overrides,
  };
}

/** Three attempts, waiting 10 s, then 20 s; no jitter, so a decision's backoff is exact. */
const RETRY_POLICY = { maxAttempts: 3, retryBaseSeconds: 10, retryFactor: 2, retryMaxSeconds: 300, retryJitter: 0 };
const MAX_ATTEMPTS = RETRY_POLICY.maxAttempts;

const LEASE = { workerId: WORKER, attempt: 1 };
const COMMANDS: Record<TaskCommand['type'], TaskCommand> = {
  claim: { type: 'claim', workerId: OTHER_WORKER, leaseSeconds: 45 },
  progress: { type: 'progress', lease: LEASE, progress: 0.6 },
  complete: { type: 'complete', lease: LEASE, output: { url: 'https://cdn.example/1.png' } },
  fail: { type: 'fail', lease: LEASE, error: 'out of memory', retryable: false, random: 0.5 },
  expire: { type: 'expire', random: 0.5 },
  // No deadline is set on taskIn's tasks: nothing to do, in any state.
  deadline: { type: 'deadline' },
  cancel: { type: 'cancel', by: { kind: 'API_KEY', id: 'key' }, reason: null, expectRefundAtLeast: null },
};

function changeOf(decision: Decision): Extract<Decision, { kind: 'change' }> {
  if (decision.kind !== 'change') throw new Error(`expected a change, got ${decision.kind}`);
  return decision;
}

function errorOf(decision: Decision): unknown {
  return decision.kind === 'refused' ? decision.error : undefined;
}

/** SPEC §4 and §5, restated apart from src/: what each transition does to a task in each state. */
const EXPECTED: Record<TaskCommand['type'], (state: TaskState, decision: Decision) => void> = {
  claim: (state, decision) => {
    if (state !== 'PENDING') {
      expect(errorOf(decision)).toBeInstanceOf(ConflictError);
      return;
    }
    expect(changeOf(decision)).toEqual({
      kind: 'change',
      event: 'CLAIMED',
      detail: null,
      ledger: null,
      change: {
        state: 'RUNNING',
        attempts: 1,
        progress: 0,
        leaseOwner: OTHER_WORKER,
        leaseSeconds: 45,
        leaseExpiresAt: new Date(NOW.getTime() + 45_000),
        startedAt: NOW,
      },
    });
  },
  progress: (state, decision) => {
    if (state !== 'RUNNING') {
      expect(errorOf(decision)).toEqual(new LeaseLostError(state));
      return;
    }
    expect(changeOf(decision)).toEqual({
      kind: 'change',
      event: 'PROGRESS',
      detail: null,
      ledger: null,
      change: { progress: 0.6, leaseExpiresAt: new Date(NOW.getTime() + 30_000) },
    });
  },
  complete: (state, decision) => {
    if (state !== 'RUNNING') {
      expect(errorOf(decision)).toEqual(new LeaseLostError(state));
      return;
    }
    expect(changeOf(decision)).toEqual({
      kind: 'change',
      event: 'COMPLETED',
      detail: null,
      ledger: null,
      change: { state: 'COMPLETED', output: { url: 'https://cdn.example/1.png' }, progress: 1, creditsUsed: PRICE, finishedAt: NOW },
    });
  },
  fail: (state, decision) => {
    if (state !== 'RUNNING') {
      expect(errorOf(decision)).toEqual(new LeaseLostError(state));
      return;
    }
    expect(changeOf(decision)).toEqual({
      kind: 'change',
      event: 'FAILED',
      detail: null,
      ledger: { kind: 'REFUND', amount: PRICE },
      change: { state: 'FAILED', error: 'out of memory', creditsUsed: null, finishedAt: NOW },
    });
  },
  // The lease of taskIn's RUNNING task has not expired yet: nothing to do, in any state.
  expire: (_state, decision) => {
    expect(decision).toEqual({ kind: 'unchanged' });
  },
  deadline: (_state, decision) => {
    expect(decision).toEqual({ kind: 'unchanged' });
  },
  cancel: (state, decision) => {
    if (state === 'COMPLETED' || state === 'FAILED' || state === 'CANCELLED') {
      expect(decision).toEqual({ kind: 'unchanged' });
      return;
    }
    // Pending: free; running at 0.3 below the cutoff of 0.5: refunded in full too.
    expect(changeOf(decision)).toEqual({
      kind: 'change',
      event: 'CANCELLED',
      ledger: { kind: 'REFUND', amount: PRICE },
      change: {
        state: 'CANCELLED',
        creditsUsed: null,
        finishedAt: NOW,
        cancelledAt: NOW,
        cancelActorKind: 'API_KEY',
        cancelActorId: 'key',
        cancelReason: null,
      },
      detail: { actor: { kind: 'API_KEY', id: 'key' }, reason: null, leaseOwner: state === 'RUNNING' ? WORKER : null },
    });
  },
};

const PAIRS = STATES.flatMap((state) => Object.keys(COMMANDS).map((type) => [state, type as TaskCommand['type']] as const));

describe('the task machine, every state by every transition', () => {
  it('covers every pair', () => {
    expect(new Set(PAIRS.map(([state, type]) => `${state}/${type}`)).size).toBe(STATES.length * Object.keys(COMMANDS).length);
  });

  it.each(PAIRS)('%s task, %s', (state, type) => {
    EXPECTED[type](state, decide(taskIn(state), COMMANDS[type], NOW));
  });
});

describe('the worker calls need the lease', () => {
  it.each([
    ['another worker', taskIn('RUNNING', { leaseOwner: OTHER_WORKER })],
    ['an expired lease', taskIn('RUNNING', { leaseExpiresAt: EARLIER })],
    ['a later attempt', taskIn('RUNNING', { attempts: 2 })],
  ])('refuse a RUNNING task held under %s with LeaseLostError', (_name, task) => {
    for (const type of ['progress', 'complete', 'fail'] as const) {
      expect(errorOf(decide(task, COMMANDS[type], NOW))).toEqual(new LeaseLostError('RUNNING'));
    }
  });

  it('accept a call that names no attempt, from the lease holder', () => {
    expect(decide(taskIn('RUNNING'), { type: 'progress', lease: { workerId: WORKER, attempt: null }, progress: 0.4 }, NOW).kind).toBe('change');
  });
});

describe('an expired lease', () => {
  it.each([
    [1, 10],
    [2, 20],
  ])("puts the task back in the queue after attempt %d, claimable after the model's backoff of %d s", (attempts, seconds) => {
    const retryAt = new Date(NOW.getTime() + seconds * 1000);
    expect(decide(taskIn('RUNNING', { attempts, leaseExpiresAt: EARLIER }), COMMANDS.expire, NOW)).toEqual({
      kind: 'change',
      event: 'REQUEUED',
      detail: { reason: 'lease expired', retryAt: retryAt.toISOString() },
      ledger: null,
      change: { state: 'PENDING', progress: 0, availableAt: retryAt },
    });
  });

  it(`fails the task with a full refund after attempt ${MAX_ATTEMPTS}`, () => {
    expect(decide(taskIn('RUNNING', { attempts: MAX_ATTEMPTS, leaseExpiresAt: EARLIER }), COMMANDS.expire, NOW)).toEqual({
      kind: 'change',
      event: 'FAILED',
      detail: null,
      ledger: { kind: 'REFUND', amount: PRICE },
      change: { state: 'FAILED', error: `The worker's lease expired on all ${MAX_ATTEMPTS} attempts.`, creditsUsed: null, finishedAt: NOW },
    });
  });
});

type ElsewhereRunner = Exclude<Runner, 'CLOUD'>;

// The SPEC's own words for where each runner's tasks are cancelled instead.
const CANCEL_VIA: Record<ElsewhereRunner, RegExp> = {
  SELF_HOSTED: /hosting infrastructure/i,
  LOCAL: /client that started it/i,
  GITHUB_ACTIONS: /workflow run/i,
};

/** Progress values just below, at and just above `cutoff`, kept within [0, 1]. */
function progressesAround(cutoff: number): number[] {
  return [cutoff - 0.01, cutoff, cutoff + 0.01].filter((progress) => progress >= 0 && progress <= 1);
}

type ExpectedCancel =
  | { kind: 'unchanged' }
  | { kind: 'not-supported'; runner: ElsewhereRunner }
  | { kind: 'conflict' }
  | { kind: 'cancel'; refund: number; creditsUsed: number | null };

/** SPEC §5 cancelTask rules 2 to 5 and §4's refunds. */
function expectedCancel(state: TaskState, runner: Runner, pendingCancel: PendingCancelPolicy, cutoff: number, progress: number): ExpectedCancel {
  if (state === 'COMPLETED' || state === 'FAILED' || state === 'CANCELLED') return { kind: 'unchanged' };
  if (runner !== 'CLOUD') return { kind: 'not-supported', runner };
  if (state === 'PENDING' && pendingCancel === 'CONFLICT') return { kind: 'conflict' };
  const refund = state === 'PENDING' || progress < cutoff ? PRICE : 0;
  const used = PRICE - refund;
  return { kind: 'cancel', refund, creditsUsed: used === 0 ? null : used };
}

const CANCELS = STATES.flatMap((state) =>
  RUNNERS.flatMap((runner) =>
    POLICIES.flatMap((pendingCancel) =>
      [0, 0.25, 1].flatMap((refundCutoff) =>
        progressesAround(refundCutoff).map((progress) => {
          const expected = expectedCancel(state, runner, pendingCancel, refundCutoff, progress);
          const task = taskIn(state, { runner, progress, policy: { pendingCancel, refundCutoff, pendingCancelRetrySeconds: RETRY_SECONDS, ...RETRY_POLICY } });
          const name = `${state} ${runner}, pendingCancel ${pendingCancel}, cutoff ${refundCutoff}, progress ${progress}: ${expected.kind}`;
          return [name, task, expected] as const;
        }),
      ),
    ),
  ),
);

describe('cancel, by state, runner, pending policy and progress around the cutoff', () => {
  it.each(CANCELS)('%s', (_name, task, expected) => {
    const decision = decide(task, COMMANDS.cancel, NOW);
    const error = errorOf(decision);
    switch (expected.kind) {
      case 'unchanged':
        expect(decision).toEqual(expected);
        break;
      case 'cancel':
        expect(changeOf(decision).change.creditsUsed).toBe(expected.creditsUsed);
        expect(changeOf(decision).ledger).toEqual(expected.refund > 0 ? { kind: 'REFUND', amount: expected.refund } : null);
        // What the decision charges is what the ledger will say once its HOLD and REFUND are written.
        expect(creditsUsedFromLedger([-PRICE, expected.refund].filter((amount) => amount !== 0))).toBe(expected.creditsUsed);
        break;
      case 'not-supported':
        expect(error).toBeInstanceOf(OperationNotSupportedError);
        expect(error).toMatchObject({ code: 'OPERATION_NOT_SUPPORTED', status: 422, retryable: false, runner: expected.runner });
        expect(error).toHaveProperty('cancelVia', expect.stringMatching(CANCEL_VIA[expected.runner]));
        break;
      case 'conflict':
        expect(error).toBeInstanceOf(ConflictError);
        expect(error).toMatchObject({ code: 'CONFLICT', status: 409, retryable: true, retryAfterSeconds: RETRY_SECONDS, taskState: 'PENDING' });
        break;
    }
  });
});

describe('money', () => {
  it('a submit holds the price, and a free model holds nothing', () => {
    expect(holdOf(PRICE)).toEqual({ kind: 'HOLD', amount: -PRICE });
    expect(holdOf(0)).toBeNull();
  });

  it.each([
    ['a hold alone', PRICE, [-PRICE]],
    ['a hold and its full refund', null, [-PRICE, PRICE]],
    ['a hold and a partial refund', 100, [-PRICE, 20]],
    ['no entries', null, []],
  ] as const)('creditsUsed reads %s as %s', (_label, used, amounts) => {
    expect(creditsUsedFromLedger(amounts)).toBe(used);
  });

  it('every ending decision charges what its ledger entries leave', () => {
    for (const [state, type] of PAIRS) {
      const decision = decide(taskIn(state), COMMANDS[type], NOW);
      if (decision.kind !== 'change' || decision.change.creditsUsed === undefined) continue;
      const amounts = [-PRICE, ...(decision.ledger ? [decision.ledger.amount] : [])];
      expect(creditsUsedFromLedger(amounts), `${state}/${type}`).toBe(decision.change.creditsUsed);
    }
  });
});

describe('a retryable failure', () => {
  it("goes back to the queue while the model allows another attempt, and fails for good after its last", () => {
    const retryable: TaskCommand = { type: 'fail', lease: { workerId: WORKER, attempt: null }, error: 'GPU lost', retryable: true, random: 0.5 };
    const requeued = decide(taskIn('RUNNING', { attempts: 1 }), retryable, NOW);
    expect(requeued).toMatchObject({ kind: 'change', event: 'REQUEUED', ledger: null, change: { state: 'PENDING', availableAt: new Date(NOW.getTime() + 10_000) } });
    const last = decide(taskIn('RUNNING', { attempts: MAX_ATTEMPTS }), retryable, NOW);
    expect(last).toMatchObject({ kind: 'change', event: 'FAILED', ledger: { kind: 'REFUND', amount: PRICE } });
    expect(decide(taskIn('RUNNING', { attempts: 1 }), COMMANDS.fail, NOW)).toMatchObject({ event: 'FAILED' });
  });

  it('waits within its jitter: ± the fraction of the backoff', () => {
    const jittered = { ...RETRY_POLICY, retryJitter: 0.2 };
    const waits = [0, 0.999].map((random) => {
      const command: TaskCommand = { type: 'fail', lease: LEASE, error: 'GPU lost', retryable: true, random };
      const decision = decide(taskIn('RUNNING', { attempts: 1, policy: { ...taskIn('RUNNING').policy, ...jittered } }), command, NOW);
      return decision.kind === 'change' ? ((decision.change.availableAt?.getTime() ?? 0) - NOW.getTime()) / 1000 : Number.NaN;
    });
    expect(waits[0]).toBeCloseTo(8, 5);
    expect(waits[1]).toBeCloseTo(11.996, 2);
  });
});

describe('deadlines', () => {
  it('end a task still PENDING at its start deadline, free, whatever its pending-cancel policy', () => {
    const pending = taskIn('PENDING', { startDeadline: EARLIER, policy: { ...taskIn('PENDING').policy, pendingCancel: 'CONFLICT' } });
    expect(decide(pending, COMMANDS.deadline, NOW)).toMatchObject({
      kind: 'change',
      event: 'CANCELLED',
      ledger: { kind: 'REFUND', amount: PRICE },
      change: { state: 'CANCELLED', creditsUsed: null, cancelActorKind: 'DEADLINE' },
    });
    expect(decide(taskIn('PENDING', { startDeadline: LATER }), COMMANDS.deadline, NOW)).toEqual({ kind: 'unchanged' });
  });

  it("cancel a CLOUD task running past its maximum running time under its model's cutoff, naming its worker", () => {
    const below = decide(taskIn('RUNNING', { runDeadline: EARLIER, progress: 0.4 }), COMMANDS.deadline, NOW);
    expect(below).toMatchObject({ event: 'CANCELLED', ledger: { amount: PRICE }, detail: { actor: { kind: 'DEADLINE' }, leaseOwner: WORKER } });
    const above = decide(taskIn('RUNNING', { runDeadline: EARLIER, progress: 0.6 }), COMMANDS.deadline, NOW);
    expect(above).toMatchObject({ event: 'CANCELLED', ledger: null, change: { creditsUsed: PRICE } });
    expect(decide(taskIn('RUNNING', { runDeadline: EARLIER, runner: 'SELF_HOSTED' }), COMMANDS.deadline, NOW)).toEqual({ kind: 'unchanged' });
  });
});
