import { pool } from '../client.ts';
import type { TaskEventRow, TaskRow } from './rows.ts';
import { rowsOf, sql } from './statement.ts';

/** Where an event stands in the log: its writing transaction, then its id. */
export interface LogPosition {
  txid: bigint;
  id: bigint;
}

/**
 * The oldest transaction of this database that may still write events: the
 * smallest transaction id in progress here (in a session, or prepared),
 * else the next one to be assigned. Every event below it is final: nothing
 * can commit before it any more. Transactions of other databases on the
 * same server are not counted: they cannot write this log, and a long one
 * elsewhere must not hold the streams back. A session of another role shows
 * its transaction only to roles allowed to read all statistics; taskgate's
 * own sessions are of its role.
 */
export const SETTLED_BELOW_SQL = `
SELECT LEAST(
  pg_snapshot_xmax(pg_current_snapshot())::text::bigint,
  (SELECT min(backend_xid::text::bigint) FROM pg_stat_activity WHERE datname = current_database() AND backend_xid IS NOT NULL),
  (SELECT min(transaction::text::bigint) FROM pg_prepared_xacts WHERE database = current_database())
) AS below`;

const SETTLED_BELOW = sql('event_log_settled_below', SETTLED_BELOW_SQL);

interface RangeValues {
  txid: bigint;
  id: bigint;
  below: bigint;
  limit: number;
}

const EVENT_COLUMNS = 'e.id, e."taskId", e."accountId", e.type, e.state, e.progress, e.version, e.txid, e.at, e.detail';

/** An event as read with what its task weighs where it is stored, to page by bytes. */
type SizedEventRow = TaskEventRow & { taskBytes: number };

const SIZED = `${EVENT_COLUMNS}, 600 + COALESCE(pg_column_size(t.input), 0) + COALESCE(pg_column_size(t.output), 0) AS "taskBytes"`;

const AFTER = `(e.txid > :txid OR (e.txid = :txid AND e.id > :id)) AND e.txid < :below`;

const EVENTS_AFTER = sql<RangeValues>(
  'event_log_after',
  `SELECT ${SIZED} FROM "TaskEvent" e JOIN "Task" t ON t.id = e."taskId"
   WHERE ${AFTER} ORDER BY e.txid, e.id LIMIT :limit`,
);

const ACCOUNT_EVENTS_AFTER = sql<RangeValues & { accountId: string }>(
  'event_log_account_after',
  `SELECT ${SIZED} FROM "TaskEvent" e JOIN "Task" t ON t.id = e."taskId"
   WHERE e."accountId" = :accountId::uuid AND ${AFTER} ORDER BY e.txid, e.id LIMIT :limit`,
);

const TASKS_BY_ID = sql<{ ids: string[] }>('tasks_by_id', `SELECT * FROM "Task" WHERE id = ANY(:ids::uuid[])`);

const SETTLED_END = sql<{ below: bigint }>(
  'event_log_settled_end',
  `SELECT txid, id FROM "TaskEvent" e WHERE e.txid < :below ORDER BY e.txid DESC, e.id DESC LIMIT 1`,
);

const RETAINED = sql<LogPosition & { accountId: string }>(
  'event_log_retained',
  `SELECT 1 FROM "TaskEvent" WHERE id = :id AND txid = :txid AND "accountId" = :accountId::uuid`,
);

const ACCOUNT_EVENT = sql<LogPosition & { accountId: string }>(
  'event_log_account_event',
  `SELECT ${EVENT_COLUMNS} FROM "TaskEvent" e WHERE e.id = :id AND e.txid = :txid AND e."accountId" = :accountId::uuid`,
);

const NEWEST_AT = sql('event_log_newest_at', `SELECT at FROM "TaskEvent" ORDER BY txid DESC, id DESC LIMIT 1`);

/** An event as streams deliver it, with its task as it is now; events of one task share one row. */
export type LoggedEvent = TaskEventRow & { task: TaskRow };

export interface LogRange {
  /** Strictly after this position. */
  after: LogPosition;
  /** Only this account's events, when given. */
  accountId?: string;
  limit: number;
  /** At most about this many bytes of tasks in a page, and always one event at least. */
  bytes: number;
}

/** The horizon: every event of a transaction below it has committed or never will. */
export async function settledBelow(): Promise<bigint> {
  const [row] = await rowsOf<{ below: string }, Record<string, never>>(pool(), SETTLED_BELOW, {});
  if (!row) throw new Error('no horizon');
  return BigInt(row.below);
}

function parsed(row: { txid: string | bigint; id: string | bigint }): { txid: bigint; id: bigint } {
  return { txid: BigInt(row.txid), id: BigInt(row.id) };
}

/** The events of a page, as many as the byte budget takes: each task counted once. */
function withinBudget(rows: SizedEventRow[], bytes: number): SizedEventRow[] {
  const counted = new Set<string>();
  let total = 0;
  for (const [index, row] of rows.entries()) {
    if (!counted.has(row.taskId)) {
      counted.add(row.taskId);
      total += row.taskBytes;
    }
    if (total > bytes && index > 0) return rows.slice(0, index);
  }
  return rows;
}

export interface LogPage {
  events: LoggedEvent[];
  /** Whether the log may hold more settled events after the page: it was cut by its count or bytes. */
  more: boolean;
}

/** Committed, settled events after a position, in log order, each with its task, read once per task. */
export async function readLog(range: LogRange): Promise<LogPage> {
  const below = await settledBelow();
  const values = { ...range.after, below, limit: range.limit };
  const rows = range.accountId
    ? await rowsOf<SizedEventRow, RangeValues & { accountId: string }>(pool(), ACCOUNT_EVENTS_AFTER, { ...values, accountId: range.accountId })
    : await rowsOf<SizedEventRow, RangeValues>(pool(), EVENTS_AFTER, values);
  const page = withinBudget(rows, range.bytes);
  const more = rows.length === range.limit || page.length < rows.length;
  if (page.length === 0) return { events: [], more: false };
  const tasks = await rowsOf<TaskRow, { ids: string[] }>(pool(), TASKS_BY_ID, { ids: [...new Set(page.map((row) => row.taskId))] });
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const events = page.flatMap((row) => {
    const task = byId.get(row.taskId);
    const { taskId, accountId, type, state, progress, version, at, detail } = row;
    // An event's task is never deleted while the event is kept; were it, the event is passed over.
    return task ? [{ taskId, accountId, type, state, progress, version, at, detail, ...parsed(row), task }] : [];
  });
  return { events, more };
}

/** The last settled position of the log: where a stream that starts now begins. */
export async function settledEnd(): Promise<LogPosition> {
  const below = await settledBelow();
  const [last] = await rowsOf<{ txid: string; id: string }, { below: bigint }>(pool(), SETTLED_END, { below });
  return last ? parsed(last) : { txid: 0n, id: 0n };
}

/** Whether an event at exactly this position, of this account, is still in the log. */
export async function isRetained(position: LogPosition, accountId: string): Promise<boolean> {
  return (await rowsOf(pool(), RETAINED, { ...position, accountId })).length > 0;
}

/** One of the account's events by its position, with its task as it is now; undefined when it is not in the log. */
export async function readEvent(position: LogPosition, accountId: string): Promise<LoggedEvent | undefined> {
  const [row] = await rowsOf<TaskEventRow, LogPosition & { accountId: string }>(pool(), ACCOUNT_EVENT, { ...position, accountId });
  if (!row) return undefined;
  const [task] = await rowsOf<TaskRow, { ids: string[] }>(pool(), TASKS_BY_ID, { ids: [row.taskId] });
  return task ? { ...row, ...parsed(row), task } : undefined;
}

/** When the newest event in the log was written; undefined for an empty log. */
export async function newestEventAt(): Promise<Date | undefined> {
  const [row] = await rowsOf<{ at: Date }, Record<string, never>>(pool(), NEWEST_AT, {});
  return row?.at;
}
