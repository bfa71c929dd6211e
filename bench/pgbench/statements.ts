/**
 * The statements the gateway's hot paths send, imported from the services
 * that send them: the pgbench baselines run exactly these, so the gateway and
 * its baseline do the same database work. The steps in ./scripts.ts give
 * their parameters; a count that no longer matches a statement's `$n` fails
 * before pgbench starts.
 */

/** SQL with `$1..$n` parameters, as a string or as a named statement carrying it. */
export type Sql = string | { readonly text: string };

export { LIVE_API_KEY, LIVE_WORKER_KEY } from '../../src/services/authenticate.ts';
export { CLAIM_TASK } from '../../src/services/claim-task.ts';
export { SUBMIT_TASK } from '../../src/services/submit-task.ts';
export { ACCOUNT_TASK_SNAPSHOT, TASK_BY_ID } from '../../src/services/task-snapshot.ts';
export { COMMIT_TRANSITION } from '../../src/services/task-transition.ts';
