import { type CancelOutcome, type CancelPreview, previewCancel } from '../../domain/cancel-preview.ts';
import type { CancelActorView, Cancellation } from '../../events/event-detail.ts';
import { readTaskById } from '../../db/sql/task-reads.ts';
import { factsOf } from '../../services/change-task.ts';
import { builder } from '../builder.ts';
import { CancelActorKindEnum } from '../enums.ts';

const CancelOutcomeEnum = builder.enumType('CancelOutcome', {
  description: 'What a cancel would do: cancel the task, or nothing, and why.',
  values: {
    CANCELLED: { description: 'The task would be cancelled, refunding `refund`.' },
    ALREADY_FINISHED: { description: 'The task is finished: a cancel returns it as it is and moves nothing.' },
    PENDING_NOT_CANCELLABLE: { description: "Pending runs of this model can be cancelled only once claimed (ConflictError): retry after `retryAfterSeconds`." },
    RUNNER_NOT_SUPPORTED: { description: 'This runner is not cancelled through the API (OperationNotSupportedError): cancel it at `cancelVia`.' },
  } satisfies Record<CancelOutcome, { description: string }>,
});

export const CancelPreviewObject = builder.objectRef<CancelPreview>('CancelPreview').implement({
  description: 'What cancelling the task now would do, from the same decision the cancel makes: the cancel right after refunds exactly this, unless the task moves on first.',
  fields: (t) => ({
    outcome: t.expose('outcome', { type: CancelOutcomeEnum }),
    refund: t.exposeInt('refund', { description: 'Credits the cancel would give back.' }),
    charge: t.exposeInt('charge', { nullable: true, description: 'What the task would finally cost; null for nothing.' }),
    retryAfterSeconds: t.exposeInt('retryAfterSeconds', { nullable: true }),
    cancelVia: t.exposeString('cancelVia', { nullable: true }),
  }),
});

export const CancelActorObject = builder.objectRef<CancelActorView>('CancelActor').implement({
  description: 'Who cancelled a task.',
  fields: (t) => ({
    kind: t.expose('kind', { type: CancelActorKindEnum }),
    id: t.exposeID('id', { nullable: true, description: "The key's, the budget's or the bulk cancel's global id; null for a deadline." }),
  }),
});

export const CancellationObject = builder.objectRef<Cancellation>('Cancellation').implement({
  fields: (t) => ({
    actor: t.field({ type: CancelActorObject, nullable: true, resolve: (cancellation) => cancellation.actor }),
    reason: t.exposeString('reason', { nullable: true }),
  }),
});

/** The preview, read with the task's model policy and the database's clock, as the cancel reads them. */
export async function cancelPreviewOf(taskId: string): Promise<CancelPreview> {
  const snapshot = await readTaskById(taskId);
  if (!snapshot) throw new Error(`task ${taskId} vanished`);
  return previewCancel({ ...factsOf(snapshot), creditsUsed: snapshot.creditsUsed }, snapshot.now);
}
