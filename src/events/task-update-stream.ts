import { TaskNotFoundError } from '../domain/errors.ts';
import { isTerminal } from '../domain/task.ts';
import type { TaskRow } from '../db/sql/rows.ts';
import { findAccountTask, type TaskRef } from '../db/sql/task-reads.ts';
import type { EventHub, Transport } from './event-hub.ts';
import { closingIterator } from './closing-iterator.ts';
import { EventStream } from './event-stream.ts';
import { sizeOfTask } from './payload-size.ts';
import { taskAsOfEvent } from './task-as-of-event.ts';
import { endedStream, slowConsumer, StreamClosed } from './stream-closed.ts';

export type TaskUpdate = TaskRow | StreamClosed;

export interface TaskUpdateOptions {
  hub: EventHub;
  accountId: string;
  /** The API key the stream is opened with. */
  keyId: string;
  ref: TaskRef;
  transport: Transport;
}

function sizeOfUpdate(update: TaskUpdate): number {
  return update instanceof StreamClosed ? 0 : sizeOfTask(update);
}

/**
 * One task of the account: as it is now, then as each of its later changes
 * left it, ending after a terminal state. Changes are registered for before
 * the task is read, so none falls between the read and the stream, and a
 * change the first answer already shows (the event reader may lag behind the
 * read) is passed over by its version: the stream never goes backwards.
 */
export async function taskUpdateStream({ hub, accountId, keyId, ref, transport }: TaskUpdateOptions): Promise<AsyncIterableIterator<TaskUpdate>> {
  const found = await findAccountTask(accountId, ref);
  if (!found) throw new TaskNotFoundError();
  const live = new EventStream<TaskUpdate>(
    hub.listenerLimits,
    sizeOfUpdate,
    () => slowConsumer(null),
    () => {
      registration.unregister();
    },
  );
  const registration = await hub.register(accountId, {
    sink: (event) => {
      if (event.taskId === found.id) live.push(taskAsOfEvent(event.task, event));
    },
    keyId,
    transport,
    end: (reason) => {
      live.cut(endedStream(reason, null));
    },
  });
  // Read again once registered: a change between the first read and the registration is in this one.
  // Failing here, no iterator reaches the transport, so nothing else would free the listener.
  const current = await findAccountTask(accountId, { id: found.id }).catch((error: unknown) => {
    live.close();
    throw error;
  });
  if (!current) {
    live.close();
    throw new TaskNotFoundError();
  }
  let last: TaskRow | undefined;
  let ended = false;

  return closingIterator(live, async () => {
    if (ended) {
      live.close();
      return { value: undefined, done: true };
    }
    let update: TaskUpdate = current;
    if (last) {
      for (;;) {
        const result = await live.next();
        if (result.done) return result;
        update = result.value;
        if (update instanceof StreamClosed || update.version > last.version) break;
      }
    }
    if (update instanceof StreamClosed) {
      ended = true;
    } else {
      last = update;
      ended = isTerminal(update.state);
    }
    return { value: update, done: false };
  }, () => hub.deliveries.take(keyId));
}
