import type { Context } from './context.ts';
import { invalidArgument } from './invalid-argument.ts';

/** Both are bigint columns: a larger number is no row and must not reach a query. */
const MAX_BIGINT = 2n ** 63n - 1n;

interface PageCursors {
  after?: string | null;
  before?: string | null;
}

// Connection fields have no error union, so the refusal is the untyped one.
function notACursor(param: string): Error {
  return invalidArgument(false, param, `${param} is not a cursor of this connection.`);
}

/** The row id inside a cursor of a connection keyed by a bigint id, as Pothos writes it (base64 of `GPC:I:<id>`). */
function rowIdOf(cursor: string, param: string): bigint {
  const match = /^GPC:I:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  const id = match?.[1] === undefined ? undefined : BigInt(match[1]);
  if (id === undefined || id > MAX_BIGINT) throw notACursor(param);
  return id;
}

/**
 * Checks the page cursors of a connection over an account's rows (its ledger,
 * a task's events) before the database sees them. A cursor that does not
 * parse, or names a row that is not the calling client's, is refused alike:
 * paging from another account's row would tell that it exists. Workers see
 * every account's tasks, so for them only the shape is checked.
 */
export async function checkRowCursors(
  args: PageCursors,
  ctx: Context,
  isAccountRow: (id: bigint, accountId: string) => Promise<boolean>,
): Promise<void> {
  for (const param of ['after', 'before'] as const) {
    const cursor = args[param];
    if (cursor == null) continue;
    const id = rowIdOf(cursor, param);
    if (ctx.caller.kind === 'client' && !(await isAccountRow(id, ctx.caller.accountId))) throw notACursor(param);
  }
}
