import { encodeEventCursor } from '../../events/cursor.ts';
import { builder } from '../builder.ts';
import { TaskEventTypeEnum, TaskStateEnum } from '../enums.ts';

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
    task: t.relation('task', { description: 'The task as it is now.' }),
    at: t.expose('at', { type: 'DateTime' }),
  }),
});
