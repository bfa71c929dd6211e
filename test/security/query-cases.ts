import { expect } from 'vitest';
import { encodeGlobalID } from '@pothos/plugin-relay';
import {
  asStranger,
  type CrossAccountCase,
  NEVER_ISSUED_TASK,
  neverIssuedCursor,
  taskIdsOf,
  victimTaskIds,
} from './cross-account-case.ts';
import { SHARED_KEY } from './tenants.ts';
import { ownLedger } from './type-cases.ts';
import { expectNothingOf } from './victim-traces.ts';

const TASK = `query($id: ID, $outTaskId: String) {
  task(id: $id, outTaskId: $outTaskId) {
    __typename ... on Error { code message status retryable } ... on InvalidParamError { param } ... on Task { id input }
  }
}`;

const TASKS = `query($filter: TaskFilter, $after: String) {
  tasks(first: 100, after: $after, filter: $filter) {
    __typename ... on TaskConnection { edges { node { id } } } ... on Error { code message }
  }
}`;

const NODE = 'query($id: ID!) { node(id: $id) { __typename id ... on Task { input } } }';

interface Tasks {
  tasks: { __typename: string; edges?: { node: { id: string } }[] };
}

const idsOf = (res: { data?: Tasks }): string[] => (res.data?.tasks.edges ?? []).map((edge) => edge.node.id).sort();

export const QUERY_CASES: Record<string, CrossAccountCase> = {
  "task(id | outTaskId) answers another account's task exactly as one never issued": {
    covers: ['Query.task', 'TaskNotFoundError.code', 'TaskNotFoundError.message', 'TaskNotFoundError.retryable', 'TaskNotFoundError.status'],
    async run(context) {
      const unknown = await asStranger<{ task: { __typename: string } }>(context, TASK, { id: NEVER_ISSUED_TASK });
      expect(unknown.data?.task.__typename).toBe('TaskNotFoundError');
      for (const id of victimTaskIds(context)) expect(await asStranger(context, TASK, { id })).toEqual(unknown);
      expect(await asStranger(context, TASK, { outTaskId: context.victim.ownKey })).toEqual(unknown);
      expect((await asStranger(context, TASK, { outTaskId: SHARED_KEY })).data).toEqual({
        task: { __typename: 'Task', id: context.stranger.sharedTask, input: { owner: 'stranger' } },
      });
    },
  },

  "a mistaken argument naming another account's task is answered as for one never issued": {
    covers: ['InvalidParamError.code', 'InvalidParamError.message', 'InvalidParamError.param', 'InvalidParamError.retryable', 'InvalidParamError.status'],
    async run(context) {
      const unknown = await asStranger<{ task: { __typename: string } }>(context, TASK, { id: NEVER_ISSUED_TASK, outTaskId: 'x' });
      expect(unknown.data?.task.__typename).toBe('InvalidParamError');
      for (const id of victimTaskIds(context)) expect(await asStranger(context, TASK, { id, outTaskId: context.victim.ownKey })).toEqual(unknown);
    },
  },

  "tasks lists the caller's tasks only, whatever the filter or cursor": {
    covers: ['Query.tasks'],
    async run(context) {
      const own = await taskIdsOf(context.stranger.accountId);
      expect(idsOf(await asStranger<Tasks>(context, TASKS))).toEqual(own);
      // The victim's models, states and runners: what only its tasks would match.
      for (const filter of [{ models: ['agent-run', 'video-hd'] }, { states: ['RUNNING', 'FAILED'] }, { runners: ['SELF_HOSTED'] }]) {
        expect(idsOf(await asStranger<Tasks>(context, TASKS, { filter }))).toEqual([]);
      }
      const fromUnknown = await asStranger(context, TASKS, { after: neverIssuedCursor('task') });
      expect(await asStranger(context, TASKS, { after: context.victim.cursors.task })).toEqual(fromUnknown);
    },
  },

  "node(id) is null for another account's task, account or ledger entry, exactly as for one never issued": {
    covers: ['Query.node'],
    async run(context) {
      const unknown = await asStranger(context, NODE, { id: NEVER_ISSUED_TASK });
      expect(unknown).toEqual({ status: 200, data: { node: null } });
      const victims = [...victimTaskIds(context), context.victim.nodes.account, context.victim.nodes.ledgerEntry];
      for (const id of victims) expect(await asStranger(context, NODE, { id })).toEqual(unknown);
      const own = await asStranger(context, NODE, { id: context.stranger.doneTask });
      expect(own.data).toEqual({ node: { __typename: 'Task', id: context.stranger.doneTask, input: { owner: 'stranger' } } });
      const account = encodeGlobalID('Account', context.stranger.accountId);
      expect((await asStranger(context, NODE, { id: account })).data).toEqual({ node: { __typename: 'Account', id: account } });
      const [entry] = await ownLedger(context);
      const entryId = encodeGlobalID('LedgerEntry', String(entry?.id));
      expect((await asStranger(context, NODE, { id: entryId })).data).toEqual({ node: { __typename: 'LedgerEntry', id: entryId } });
    },
  },

  "account is the caller's own": {
    covers: ['Query.account'],
    async run(context) {
      const res = await asStranger<{ account: unknown }>(context, '{ account { __typename ... on Account { id balance } } }');
      expect(res.data?.account).toEqual({ __typename: 'Account', id: encodeGlobalID('Account', context.stranger.accountId), balance: 5_000 - 4 - 2 });
    },
  },

  'models is the same public catalog for every caller, anonymous included': {
    covers: ['Query.models'],
    async run(context) {
      const query = '{ models { name price pendingCancel refundCutoff } }';
      const anonymous = await context.gateway.gql(query);
      expectNothingOf(context.victim, anonymous);
      expect(await asStranger(context, query)).toEqual(anonymous);
      expect(await context.gateway.gql(query, {}, context.victim.apiKey)).toEqual(anonymous);
    },
  },
};
