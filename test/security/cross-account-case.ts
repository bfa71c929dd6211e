import { encodeGlobalID } from '@pothos/plugin-relay';
import { expect } from 'vitest';
import { db } from '../../src/db/client.ts';
import type { TestGateway } from '../helpers/gateway.ts';
import type { GraphQLResponse } from '../helpers/graphql-http.ts';
import type { Tenants } from './tenants.ts';
import { expectNothingOf } from './victim-traces.ts';

export interface CaseContext extends Tenants {
  gateway: TestGateway;
}

/**
 * One way another account could reach the victim's data, tried. `covers`
 * names the schema coordinates (`Type.field`) it proves closed; every
 * coordinate a client can reach must be covered by some case.
 */
export interface CrossAccountCase {
  covers: readonly string[];
  run(context: CaseContext): Promise<void>;
}

/** A task id never issued: what the victim's tasks must look like to the stranger. */
export const NEVER_ISSUED_TASK = encodeGlobalID('Task', '0190a0a0-0000-7000-8000-00000000dead');

/** A page cursor in Pothos' format of a row that does not exist, for a connection keyed by `kind`. */
export function neverIssuedCursor(kind: 'task' | 'row'): string {
  const value = kind === 'task' ? 'GPC:S:0190a0a0-0000-7000-8000-00000000dead' : 'GPC:I:9000000000000000000';
  return Buffer.from(value).toString('base64');
}

/** An operation as the stranger, whose answer must hold nothing of the victim. */
export async function asStranger<T = Record<string, unknown>>(
  { gateway, stranger, victim }: CaseContext,
  query: string,
  variables: Record<string, unknown> = {},
  key = stranger.apiKey,
): Promise<GraphQLResponse<T>> {
  const res = await gateway.gql<T>(query, variables, key);
  expectNothingOf(victim, res);
  return res;
}

/** What of the victim a call could change: its balance, and each task's state, progress and history. */
export async function victimState({ victim }: CaseContext): Promise<unknown> {
  const [account, tasks, entries, events] = await Promise.all([
    db().account.findUniqueOrThrow({ where: { id: victim.accountId }, select: { balance: true } }),
    db().task.findMany({ where: { accountId: victim.accountId }, select: { id: true, state: true, progress: true, attempts: true, leaseOwner: true }, orderBy: { id: 'asc' } }),
    db().ledgerEntry.count({ where: { accountId: victim.accountId } }),
    db().taskEvent.count({ where: { accountId: victim.accountId } }),
  ]);
  return { account, tasks, entries, events };
}

/** Runs `attempt` and checks it left the victim exactly as it was. */
export async function expectVictimUntouched(context: CaseContext, attempt: () => Promise<void>): Promise<void> {
  const before = await victimState(context);
  await attempt();
  expect(await victimState(context)).toEqual(before);
}

/** Every task id of the victim, the ones the stranger tries. */
export function victimTaskIds({ victim }: CaseContext): string[] {
  return Object.values(victim.tasks);
}

/** The ids of the account's own tasks, from the database. */
export async function taskIdsOf(accountId: string): Promise<string[]> {
  const tasks = await db().task.findMany({ where: { accountId }, select: { id: true } });
  return tasks.map((task) => encodeGlobalID('Task', task.id)).sort();
}
