import { TaskNotFoundError } from '../domain/errors.ts';
import { isTerminal } from '../domain/task.ts';
import type { Task } from '../generated/prisma/client.ts';
import { findAccountTask, type TaskRef } from '../db/sql/task-reads.ts';
import type { EventHub, Transport } from './event-hub.ts';
import { closingIterator, EventStream } from './event-stream.ts';
import { taskAsOfEvent } from './task-as-of-event.ts';
import { endedStream, slowConsumer, type StreamClosed } from './stream-closed.ts';

export type TaskUpdate = Task | StreamClosed;

function sameSnapshot(a: Task, b: Task): boolean {
  return a.state === b.state && a.progress === b.progress && a.attempts === b.attempts && a.updatedAt.getTime() === b.updatedAt.getTime();
}

/**
 * One task of the account: as it is now, then as each of its events left it,
 * ending after a terminal state. Changes are registered for before the task is
 * read, so none falls between the read and the stream.
 */
export interface TaskUpdateOptions {
  hub: EventHub;
  accountId: string;
  /** The API key the stream is opened with. */
  keyId: string;
  ref: TaskRef;
  transport: Transport;
  /** True while the transport cannot take more (a WebSocket's send buffer is full). */
  backedUp?: () => boolean;
}

export async function taskUpdateStream({
  hub,
  accountId,
  keyId,
  ref,
  transport,
  backedUp,
}: TaskUpdateOptions): Promise<AsyncIterableIterator<TaskUpdate>> {
  const found = await findAccountTask(accountId, ref);
  if (!found) throw new TaskNotFoundError();
  const live = new EventStream<TaskUpdate>(
    hub.listenerBuffer,
    () => slowConsumer(null),
    () => {
      registration.unregister();
    },
  );
  const registration = await hub.register(accountId, {
    sink: (event) => {
      if (event.taskId !== found.id) return;
      if (backedUp?.()) live.cut(slowConsumer(null));
      else live.push(taskAsOfEvent(event.task, event));
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
  let last: Task | undefined;
  let ended = false;

  return closingIterator(live, async () => {
    if (ended) {
      live.close();
      return { value: undefined, done: true };
    }
    let update: TaskUpdate;
    if (!last) {
      update = current;
    } else {
      for (;;) {
        const result = await live.next();
        if (result.done) return result;
        update = result.value;
        if (!('state' in update) || !sameSnapshot(update, last)) break;
      }
    }
    if ('state' in update) {
      last = update;
      ended = isTerminal(update.state);
    } else {
      ended = true;
    }
    return { value: update, done: false };
  });
}
