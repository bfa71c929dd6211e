import type { TaskRow } from '../db/sql/rows.ts';

/** What a task row weighs before its JSON: its scalars, ids and dates, as a response would print them. */
const ROW_BYTES = 600;

const sizes = new WeakMap<object, number>();

function jsonBytes(value: unknown): number {
  return value === null || value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value));
}

/**
 * About how many bytes a task takes to hold and to send: its JSON input and
 * output weigh, the rest hardly. Measured once per row read: every listener
 * of an event shares its row.
 */
export function sizeOfTask(task: TaskRow): number {
  let size = sizes.get(task);
  if (size === undefined) {
    size = ROW_BYTES + jsonBytes(task.input) + jsonBytes(task.output) + Buffer.byteLength(task.error ?? '');
    sizes.set(task, size);
  }
  return size;
}
