import { ConflictError, OperationNotSupportedError } from './errors.ts';
import { cancelRefund, creditsUsed } from './money.ts';
import { isTerminal, type ModelPolicy, type Runner, type TaskState } from './task.ts';

export interface CancelFacts {
  state: TaskState;
  runner: Runner;
  progress: number;
  price: number;
  policy: ModelPolicy;
}

export type CancelDecision =
  | { kind: 'unchanged' }
  | { kind: 'refused'; error: ConflictError | OperationNotSupportedError }
  | { kind: 'cancel'; refund: number; creditsUsed: number | null };

const CANCEL_VIA: Record<Exclude<Runner, 'CLOUD'>, { via: string; message: string }> = {
  SELF_HOSTED: {
    via: 'the hosting infrastructure that runs it',
    message: 'Self-hosted runs cannot be cancelled with the API; cancel them through your hosting infrastructure.',
  },
  LOCAL: {
    via: 'the client that started it',
    message: 'Local runs cannot be cancelled with the API; cancel them from the client that started them.',
  },
  GITHUB_ACTIONS: {
    via: "the GitHub Actions workflow run's page",
    message: "GitHub Actions runs cannot be cancelled with the API; cancel them from the workflow run's page.",
  },
};

/** SPEC §5, cancelTask rules 2 to 5, in their order. */
export function decideCancel(facts: CancelFacts): CancelDecision {
  if (isTerminal(facts.state)) return { kind: 'unchanged' };
  if (facts.runner !== 'CLOUD') {
    const { via, message } = CANCEL_VIA[facts.runner];
    return { kind: 'refused', error: new OperationNotSupportedError(facts.runner, via, message) };
  }
  if (facts.state === 'PENDING' && facts.policy.pendingCancel === 'CONFLICT') {
    return {
      kind: 'refused',
      error: new ConflictError(
        facts.state,
        facts.policy.pendingCancelRetrySeconds,
        'Pending runs of this model cannot be cancelled until a worker claims them; retry after a moment.',
      ),
    };
  }
  const refund = cancelRefund(facts.state, facts.progress, facts.policy.refundCutoff, facts.price);
  return { kind: 'cancel', refund, creditsUsed: creditsUsed(facts.price, refund) };
}
