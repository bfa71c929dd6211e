import { expect } from 'vitest';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { db } from '../../src/db/client.ts';
import { clientOf } from '../helpers/client.ts';
import { asStranger, type CaseContext, type CrossAccountCase, NEVER_ISSUED_TASK, neverIssuedCursor, taskIdsOf, victimTaskIds } from './cross-account-case.ts';

/** Every field of Task, each read as the stranger; the list is the coverage, so a new field must be added here to pass. */
const TASK_FIELDS: Record<string, string> = {
  id: 'id',
  outTaskId: 'outTaskId',
  model: 'model',
  runner: 'runner',
  state: 'state',
  progress: 'progress',
  input: 'input',
  output: 'output',
  error: 'error',
  creditsUsed: 'creditsUsed',
  attempts: 'attempts',
  createdAt: 'createdAt',
  startedAt: 'startedAt',
  finishedAt: 'finishedAt',
  cancelledAt: 'cancelledAt',
  updatedAt: 'updatedAt',
  ledgerEntries: 'ledgerEntries { id amount balanceAfter task { id } }',
  events: 'events(first: 10) { edges { cursor node { cursor type task { id } } } }',
  metadata: 'metadata',
  tags: 'tags',
  cancelledBy: 'cancelledBy { kind id }',
  cancelReason: 'cancelReason',
  cancelPreview: 'cancelPreview { outcome refund charge retryAfterSeconds cancelVia }',
  priority: 'priority',
  startDeadline: 'startDeadline',
  maxRunSeconds: 'maxRunSeconds',
  runDeadline: 'runDeadline',
  claimableAt: 'claimableAt',
};
const TASK = Object.values(TASK_FIELDS).join(' ');

/**
 * Each way a client reaches a Task, aimed at the victim's where it takes an
 * id; there, any task at all would be a leak, so its id is selection enough.
 * Several operations: all of Task's fields on every path are over one
 * operation's cost.
 */
function everyPathToTasks(context: CaseContext): string[] {
  const byId = [...victimTaskIds(context), NEVER_ISSUED_TASK].map(
    (id, n) => `t${n}: task(id: "${id}") { __typename ... on Task { id } } n${n}: node(id: "${id}") { __typename id }`,
  );
  return [
    `{ ${byId.join('\n')} own: task(id: "${context.stranger.doneTask}") { ... on Task { ${TASK} } } }`,
    `{ list: tasks(first: 6) { ... on TaskConnection { edges { node { ${TASK} } } } } }`,
    `{ account { ... on Account { ledger(first: 6) { edges { node { task { ${TASK} } } } } } } }`,
  ];
}

/** Every task id in a response, wherever it sits. */
function taskIdsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(taskIdsIn);
  if (value === null || typeof value !== 'object') return [];
  const own = 'id' in value && typeof value.id === 'string' && 'state' in value ? [value.id] : [];
  return [...own, ...Object.values(value).flatMap(taskIdsIn)];
}

/**
 * A cursor of a victim's ledger entry newer than all of the stranger's: the
 * ledger reads newest first, so paging from it would show the stranger's
 * entries if its position counted.
 */
async function newestVictimEntryCursor(context: CaseContext): Promise<string> {
  await clientOf(context.gateway, context.victim.apiKey).submit({ model: 'upscale', outTaskId: 'newest' });
  const res = await context.gateway.gql<{ account: { ledger: { edges: { cursor: string }[] } } }>(
    '{ account { ... on Account { ledger(first: 1) { edges { cursor } } } } }',
    {},
    context.victim.apiKey,
  );
  const cursor = res.data?.account.ledger.edges[0]?.cursor;
  if (!cursor) throw new Error(JSON.stringify(res));
  return cursor;
}

/** A ledger entry's global id, as the schema shows it. */
export function ledgerEntryId(entry: { id: bigint }): string {
  return encodeGlobalID('LedgerEntry', entry.id.toString());
}

/** The stranger's ledger entries, newest first, as the ledger lists them. */
export async function ownLedger(context: CaseContext) {
  return db().ledgerEntry.findMany({ where: { accountId: context.stranger.accountId }, orderBy: { id: 'desc' } });
}

export const TYPE_CASES: Record<string, CrossAccountCase> = {
  "every field of Task, by every path to a task, shows the caller's own tasks only": {
    covers: Object.keys(TASK_FIELDS).map((field) => `Task.${field}`),
    async run(context) {
      const answers = await Promise.all(everyPathToTasks(context).map((query) => asStranger(context, query)));
      for (const answer of answers) expect(answer.errors).toBeUndefined();
      const data = Object.assign({}, ...answers.map((answer) => answer.data)) as Record<string, unknown>;
      for (let n = 0; n <= victimTaskIds(context).length; n++) {
        expect(data[`t${n}`]).toEqual({ __typename: 'TaskNotFoundError' });
        expect(data[`n${n}`]).toBeNull();
      }
      expect(new Set(taskIdsIn(data))).toEqual(new Set(await taskIdsOf(context.stranger.accountId)));
      // Every field was read, on the caller's own task at least.
      expect(Object.keys(data.own ?? {}).sort()).toEqual(Object.keys(TASK_FIELDS).sort());
    },
  },

  "every field of Account is the caller's own, and its ledger pages only from the caller's own cursors": {
    covers: ['Account.balance', 'Account.createdAt', 'Account.id', 'Account.ledger', 'Account.name', 'Account.tasks'],
    async run(context) {
      const query = 'query($after: String) { account { ... on Account { id name balance createdAt ledger(first: 5, after: $after) { edges { node { id } } } } } }';
      const res = await asStranger<{ account: { id: string; ledger: { edges: { node: { id: string } }[] } } }>(context, query);
      expect(res.data?.account.id).toBe(encodeGlobalID('Account', context.stranger.accountId));
      expect(res.data?.account.ledger.edges.map((edge) => edge.node.id)).toEqual((await ownLedger(context)).map(ledgerEntryId));
      const fromUnknown = await asStranger(context, query, { after: neverIssuedCursor('row') });
      expect(await asStranger(context, query, { after: await newestVictimEntryCursor(context) })).toEqual(fromUnknown);

      const tasks = 'query($after: String) { account { ... on Account { tasks(first: 50, after: $after) { totalCount edges { node { id } } } } } }';
      const listed = await asStranger<{ account: { tasks: { totalCount: number; edges: { node: { id: string } }[] } } }>(context, tasks);
      const own = await taskIdsOf(context.stranger.accountId);
      expect(listed.data?.account.tasks.edges.map((edge) => edge.node.id).sort()).toEqual(own);
      expect(listed.data?.account.tasks.totalCount).toBe(own.length);
      const fromUnknownTask = await asStranger(context, tasks, { after: neverIssuedCursor('task') });
      expect(await asStranger(context, tasks, { after: context.victim.cursors.task })).toEqual(fromUnknownTask);
    },
  },

  "every field of a LedgerEntry is of the caller's own ledger": {
    covers: ['LedgerEntry.amount', 'LedgerEntry.balanceAfter', 'LedgerEntry.createdAt', 'LedgerEntry.id', 'LedgerEntry.kind', 'LedgerEntry.task'],
    async run(context) {
      const query = '{ account { ... on Account { ledger(first: 100) { edges { node { id kind amount balanceAfter createdAt task { id } } } } } } }';
      const res = await asStranger<{ account: { ledger: { edges: { node: Record<string, unknown> }[] } } }>(context, query);
      const entries = (await ownLedger(context)).map((entry) => ({
        id: ledgerEntryId(entry),
        kind: entry.kind,
        amount: entry.amount,
        balanceAfter: entry.balanceAfter,
        createdAt: entry.createdAt.toISOString(),
        task: entry.taskId ? { id: expect.stringMatching(/./) as string } : null,
      }));
      expect(res.data?.account.ledger.edges.map((edge) => edge.node)).toEqual(entries);
    },
  },

  "every field of a TaskEvent is of the caller's own task, and a task's events page only from its own cursors": {
    covers: [
      ...['at', 'cursor', 'progress', 'state', 'task', 'type', 'cancellation', 'budgetThreshold'].map((field) => `TaskEvent.${field}`),
      ...['kind', 'id'].map((field) => `CancelActor.${field}`),
      'Cancellation.actor',
      'Cancellation.reason',
      ...['budgetId', 'threshold', 'spent', 'limit', 'periodStart'].map((field) => `BudgetThresholdCrossing.${field}`),
      ...['outcome', 'refund', 'charge', 'retryAfterSeconds', 'cancelVia'].map((field) => `CancelPreview.${field}`),
    ],
    async run(context) {
      const query = `query($id: ID!, $after: String) {
        task(id: $id) { ... on Task { events(first: 20, after: $after) { edges { node {
          at cursor progress state type task { id }
          cancellation { reason actor { kind id } } budgetThreshold { budgetId threshold spent limit periodStart }
        } } } } }
      }`;
      const id = context.stranger.doneTask;
      const res = await asStranger<{ task: { events: { edges: { node: { type: string; task: { id: string } } }[] } } }>(context, query, { id });
      const events = res.data?.task.events.edges.map((edge) => edge.node) ?? [];
      expect(events.map((event) => event.type)).toEqual(['SUBMITTED', 'CLAIMED', 'PROGRESS', 'COMPLETED']);
      expect(new Set(events.map((event) => event.task.id))).toEqual(new Set([id]));
      const fromUnknown = await asStranger(context, query, { id, after: neverIssuedCursor('row') });
      expect(await asStranger(context, query, { id, after: context.victim.cursors.event })).toEqual(fromUnknown);
    },
  },
};
