import { describe, expect, it } from 'vitest';
import { decideCancel, type CancelDecision } from '../../src/domain/cancel-decision.ts';
import { ConflictError, OperationNotSupportedError } from '../../src/domain/errors.ts';
import { cancelRefund, creditsUsed, creditsUsedFromLedger } from '../../src/domain/money.ts';
import {
  PENDING_CANCEL_POLICIES,
  RUNNERS,
  TASK_STATES,
  type PendingCancelPolicy,
  type Runner,
  type TaskState,
} from '../../src/domain/task.ts';

const PRICE = 120;
const RETRY_SECONDS = 7;

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

type Expected =
  | { kind: 'unchanged' }
  | { kind: 'not-supported'; runner: ElsewhereRunner }
  | { kind: 'conflict' }
  | { kind: 'cancel'; refund: number; creditsUsed: number | null };

interface Row {
  state: TaskState;
  runner: Runner;
  pendingCancel: PendingCancelPolicy;
  refundCutoff: number;
  progress: number;
  expected: Expected;
  name: string;
}

/** SPEC §5 rules 2 to 5 and §4's refunds, restated here apart from src/. */
function expectedDecision(state: TaskState, runner: Runner, pendingCancel: PendingCancelPolicy, cutoff: number, progress: number): Expected {
  if (state === 'COMPLETED' || state === 'FAILED' || state === 'CANCELLED') return { kind: 'unchanged' };
  if (runner !== 'CLOUD') return { kind: 'not-supported', runner };
  if (state === 'PENDING' && pendingCancel === 'CONFLICT') return { kind: 'conflict' };
  const refund = state === 'PENDING' || progress < cutoff ? PRICE : 0;
  const used = PRICE - refund;
  return { kind: 'cancel', refund, creditsUsed: used === 0 ? null : used };
}

function describeOutcome(expected: Expected): string {
  switch (expected.kind) {
    case 'unchanged':
      return 'unchanged';
    case 'not-supported':
      return 'refused with OperationNotSupportedError';
    case 'conflict':
      return 'refused with ConflictError';
    case 'cancel':
      return `cancelled, refund ${expected.refund}, creditsUsed ${String(expected.creditsUsed)}`;
  }
}

function nameOf(row: Omit<Row, 'name'>): string {
  const facts = `${row.state} ${row.runner} task, pendingCancel ${row.pendingCancel}, cutoff ${row.refundCutoff}, progress ${row.progress}`;
  return `${facts}: ${describeOutcome(row.expected)}`;
}

const ROWS: Row[] = TASK_STATES.flatMap((state) =>
  RUNNERS.flatMap((runner) =>
    PENDING_CANCEL_POLICIES.flatMap((pendingCancel) =>
      [0, 0.25, 1].flatMap((refundCutoff) =>
        progressesAround(refundCutoff).map((progress) => {
          const expected = expectedDecision(state, runner, pendingCancel, refundCutoff, progress);
          const row = { state, runner, pendingCancel, refundCutoff, progress, expected };
          return { ...row, name: nameOf(row) };
        }),
      ),
    ),
  ),
);

function decide(row: Row): CancelDecision {
  return decideCancel({
    state: row.state,
    runner: row.runner,
    progress: row.progress,
    price: PRICE,
    policy: { pendingCancel: row.pendingCancel, refundCutoff: row.refundCutoff, pendingCancelRetrySeconds: RETRY_SECONDS },
  });
}

describe('decideCancel', () => {
  it('covers every state, runner and policy', () => {
    const covered = new Set(ROWS.map((row) => `${row.state}/${row.runner}/${row.pendingCancel}`));
    expect(covered.size).toBe(TASK_STATES.length * RUNNERS.length * PENDING_CANCEL_POLICIES.length);
  });

  it.each(ROWS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    const decision = decide(row);
    const { expected } = row;
    const error = decision.kind === 'refused' ? decision.error : undefined;

    switch (expected.kind) {
      case 'unchanged':
      case 'cancel':
        expect(decision).toEqual(expected);
        break;
      case 'not-supported':
        expect(error).toBeInstanceOf(OperationNotSupportedError);
        expect(error).toMatchObject({ code: 'OPERATION_NOT_SUPPORTED', status: 422, retryable: false, runner: expected.runner });
        expect(error).toHaveProperty('cancelVia', expect.stringMatching(CANCEL_VIA[expected.runner]));
        expect(error?.message).not.toBe('');
        break;
      case 'conflict':
        expect(error).toBeInstanceOf(ConflictError);
        expect(error).toMatchObject({ code: 'CONFLICT', status: 409, retryable: true, retryAfterSeconds: RETRY_SECONDS, taskState: 'PENDING' });
        expect(error?.message).not.toBe('');
        break;
    }
  });
});

describe('cancelRefund', () => {
  it.each([
    ['PENDING', 0, 0.5, PRICE],
    ['PENDING', 0.99, 0.5, PRICE],
    ['PENDING', 0, 0, PRICE],
    ['RUNNING', 0.49, 0.5, PRICE],
    ['RUNNING', 0.5, 0.5, 0],
    ['RUNNING', 0.51, 0.5, 0],
    ['RUNNING', 0, 0, 0],
    ['RUNNING', 0.99, 1, PRICE],
    ['RUNNING', 1, 1, 0],
    ['COMPLETED', 0, 1, 0],
    ['FAILED', 0, 1, 0],
    ['CANCELLED', 0, 1, 0],
  ] as const)('refunds a %s task at progress %d with cutoff %d by %d', (state, progress, cutoff, refund) => {
    expect(cancelRefund(state, progress, cutoff, PRICE)).toBe(refund);
  });
});

describe('creditsUsed', () => {
  it.each([
    [PRICE, 0, PRICE],
    [PRICE, PRICE, null],
    [PRICE, 20, 100],
    [0, 0, null],
  ] as const)('charges %d less a refund of %d as %s', (price, refund, used) => {
    expect(creditsUsed(price, refund)).toBe(used);
  });
});

describe('creditsUsedFromLedger', () => {
  it.each([
    ['a hold alone', PRICE, [-PRICE]],
    ['a hold and its full refund', null, [-PRICE, PRICE]],
    ['a hold and a partial refund', 100, [-PRICE, 20]],
    ['no entries', null, []],
  ] as const)('reads %s as creditsUsed %s', (_label, used, amounts) => {
    expect(creditsUsedFromLedger(amounts)).toBe(used);
  });

  // The decision's creditsUsed must be what the ledger will say once its HOLD and REFUND are written.
  it.each(ROWS.filter((row) => row.expected.kind === 'cancel').map((row) => [row.name, row] as const))(
    'agrees with the decision once its entries are written: %s',
    (_name, row) => {
      const decision = decide(row);
      if (decision.kind !== 'cancel') throw new Error(`expected a cancel, got ${decision.kind}`);
      const entries = decision.refund > 0 ? [-PRICE, decision.refund] : [-PRICE];
      expect(creditsUsedFromLedger(entries)).toBe(decision.creditsUsed);
    },
  );
});
