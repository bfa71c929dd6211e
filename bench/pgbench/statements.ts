/**
 * The statements the gateway's hot paths send, imported from the data-access
 * layer that sends them: the pgbench baselines run exactly these, so the
 * gateway and its baseline do the same database work. The steps in
 * ./scripts.ts give their parameters by name; a name a statement lacks, or
 * one it needs and is not given, fails before pgbench starts.
 */
import type { Statement } from '../../src/db/sql/statement.ts';

/** SQL with `$1..$n` parameters, as a string or as a named statement carrying it. */
export type Sql = string | { readonly text: string };

export { CLAIM_TASK } from '../../src/db/sql/claim-task.ts';
export { commitTransitionStatement } from '../../src/db/sql/commit-transition.ts';
export { LIVE_API_KEY, LIVE_WORKER_KEY } from '../../src/db/sql/keys.ts';
export { submitStatement } from '../../src/db/sql/submit-task.ts';
export { ACCOUNT_TASK_SNAPSHOT, TASK_BY_ID } from '../../src/db/sql/task-reads.ts';

/** A statement's parameters in pgbench's terms (see Step.params), given by name, put in the order of its `$n`. */
export function paramsOf<Values extends object>(statement: Statement<Values>, params: { [Name in keyof Values]: string }): string[] {
  return statement.names.map((name) => params[name]);
}
