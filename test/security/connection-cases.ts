import { expect } from 'vitest';
import { db } from '../../src/db/client.ts';
import { rowId } from '../helpers/rows.ts';
import { asStranger, type CaseContext, type CrossAccountCase, taskIdsOf } from './cross-account-case.ts';
import { ledgerEntryId, ownLedger } from './type-cases.ts';

interface Page {
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

const PAGE_INFO = 'pageInfo { startCursor endCursor hasNextPage hasPreviousPage }';

/** Pages through a connection of the stranger's one row at a time, by its own cursors; the ids it went through. */
async function pageThrough(context: CaseContext, query: string, pageOf: (data: unknown) => Page | undefined): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let n = 0; n < 50; n++) {
    const res = await asStranger(context, query, { after });
    expect(res.errors).toBeUndefined();
    const page = pageOf(res.data);
    ids.push(...(page?.edges.map((edge) => edge.node.id) ?? []));
    if (!page?.pageInfo.hasNextPage) return ids;
    after = page.pageInfo.endCursor;
  }
  throw new Error('more than 50 pages');
}

const CONNECTIONS = { LedgerEntryConnection: 'LedgerEntryEdge', TaskConnection: 'TaskEdge', TaskEventConnection: 'TaskEventEdge' };

export const CONNECTION_CASES: Record<string, CrossAccountCase> = {
  "every page of the caller's connections holds its own rows, and pages through all of them and no more": {
    covers: [
      ...Object.entries(CONNECTIONS).flatMap(([type, edge]) => [`${type}.edges`, `${type}.pageInfo`, `${edge}.cursor`, `${edge}.node`]),
      'TaskConnection.totalCount',
      ...['endCursor', 'hasNextPage', 'hasPreviousPage', 'startCursor'].map((field) => `PageInfo.${field}`),
    ],
    async run(context) {
      const own = await taskIdsOf(context.stranger.accountId);
      const tasks = `query($after: String) { tasks(first: 1, after: $after) { ... on TaskConnection { totalCount edges { cursor node { id } } ${PAGE_INFO} } } }`;
      const taskIds = await pageThrough(context, tasks, (data) => (data as { tasks: Page }).tasks);
      expect(taskIds.sort()).toEqual(own);
      const accountTasks = `query($after: String) { account { ... on Account { tasks(first: 1, after: $after) { edges { cursor node { id } } ${PAGE_INFO} } } } }`;
      const listed = await pageThrough(context, accountTasks, (data) => (data as { account: { tasks: Page } }).account.tasks);
      expect(listed.sort()).toEqual(own);
      const counted = await asStranger<{ tasks: { totalCount: number } }>(context, '{ tasks(first: 1) { ... on TaskConnection { totalCount } } }');
      expect(counted.data?.tasks.totalCount).toBe(own.length);

      const ledger = `query($after: String) { account { ... on Account { ledger(first: 1, after: $after) { edges { cursor node { id } } ${PAGE_INFO} } } } }`;
      const entryIds = await pageThrough(context, ledger, (data) => (data as { account: { ledger: Page } }).account.ledger);
      expect(entryIds).toEqual((await ownLedger(context)).map(ledgerEntryId));

      const task = context.stranger.doneTask;
      const events = `query($after: String) { task(id: "${task}") { ... on Task { events(first: 1, after: $after) { edges { cursor node { id: cursor } } ${PAGE_INFO} } } } }`;
      const eventCursors = await pageThrough(context, events, (data) => (data as { task: { events: Page } }).task.events);
      expect(eventCursors).toHaveLength(await db().taskEvent.count({ where: { taskId: rowId(task) } }));
    },
  },
};
