import { db } from '../../db/client.ts';
import { encodeEventCursor } from '../../events/cursor.ts';
import type { LoggedEvent } from '../../db/sql/event-log.ts';
import type { TaskEvent } from '../../generated/prisma/client.ts';
import { builder } from '../builder.ts';
import { TaskEventTypeEnum, TaskStateEnum } from '../enums.ts';
import { cancellationOf, thresholdOf } from '../../events/event-detail.ts';
import { BudgetThresholdObject } from '../budget/budget-threshold.ts';
import { CancellationObject } from './cancel-fields.ts';
import { TaskNode } from './task.type.ts';

function hasTask(event: TaskEvent): event is LoggedEvent {
  return 'task' in event;
}

export const TaskEventObject = builder.prismaObject('TaskEvent', {
  description: 'One change of a task, in the order changes were committed.',
  fields: (t) => ({
    cursor: t.string({
      description: 'Opaque position in the event log; resume a stream after it.',
      resolve: (event) => encodeEventCursor(event),
    }),
    type: t.expose('type', { type: TaskEventTypeEnum }),
    state: t.expose('state', { type: TaskStateEnum, description: 'The task state this event left.' }),
    progress: t.exposeFloat('progress', { description: 'The progress this event left.' }),
    task: t.field({
      type: TaskNode,
      description: 'The task as it is now.',
      // Streams hand over events with their task already read: one read per event, not per listener.
      resolve: (event) =>
        hasTask(event) ? event.task : db().task.findUniqueOrThrow({ where: { id: event.taskId } }),
    }),
    at: t.expose('at', { type: 'DateTime' }),
    cancellation: t.field({
      type: CancellationObject,
      nullable: true,
      description: 'Who cancelled and why, on a CANCELLED event.',
      resolve: (event) => (event.type === 'CANCELLED' ? cancellationOf(event.detail) : null),
    }),
    budgetThreshold: t.field({
      type: BudgetThresholdObject,
      nullable: true,
      description: "The budget threshold this task's hold crossed, on a BUDGET_THRESHOLD event.",
      resolve: (event) => (event.type === 'BUDGET_THRESHOLD' ? thresholdOf(event.detail) : null),
    }),
  }),
});
