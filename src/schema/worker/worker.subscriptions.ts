import { leaseOwnerOf } from '../../events/event-detail.ts';
import { accountEventStream } from '../../events/account-event-stream.ts';
import { ALL_ACCOUNTS } from '../../events/event-hub.ts';
import { StreamClosed } from '../../events/stream-closed.ts';
import { requireWorker } from '../../auth/caller.ts';
import { builder } from '../builder.ts';
import { streamClosedError, subscribing } from '../subscription-errors.ts';
import { TaskEventObject } from '../task/task-event.type.ts';

builder.subscriptionFields((t) => ({
  cancelledTasks: t.field({
    type: TaskEventObject,
    description:
      "Worker key. The CANCELLED event of each task this worker holds, as it commits (by its client, a budget, a bulk cancel or a deadline): stop its work at once. The task's next report would get LeaseLostError anyway, but a generation can burn a minute of GPU before it.",
    subscribe: (_root, _args, ctx) =>
      subscribing(() => {
        const worker = requireWorker(ctx.caller);
        return accountEventStream({
          hub: ctx.events,
          accountId: ALL_ACCOUNTS,
          keyId: worker.workerKeyId,
          after: null,
          accepts: (event) => event.type === 'CANCELLED' && leaseOwnerOf(event.detail) === worker.workerId,
          transport: ctx.transport,
        });
      }),
    resolve: (item) => {
      if (item instanceof StreamClosed) throw streamClosedError(item);
      return item;
    },
  }),
}));
