import { brandWithType } from '@pothos/core';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { db } from '../db/client.ts';
import { budgetStanding } from '../db/sql/budgets.ts';
import { findBulkCancel } from '../db/sql/bulk-cancels.ts';
import { findAccountTask } from '../db/sql/task-reads.ts';
import { AccountNode } from './account/account.type.ts';
import { LedgerEntryNode } from './account/ledger-entry.type.ts';
import { builder } from './builder.ts';
import { isUuid } from './global-id.ts';
import { TaskNode } from './task/task.type.ts';
import { WebhookEndpointNode } from './webhook/webhook-endpoint.type.ts';

const MAX_BIGINT = 2n ** 63n - 1n;

function decoded(globalId: string): { typename: string; id: string } | undefined {
  try {
    return decodeGlobalID(globalId);
  } catch {
    return undefined;
  }
}

/** The row as the node of `type`, so the Node interface resolves it to that type. */
function branded<T extends object>(row: T | null | undefined, type: Parameters<typeof brandWithType>[1]): T | undefined {
  if (!row) return undefined;
  brandWithType(row, type);
  return row;
}

/** One of the account's own objects by its type and row id; undefined for anything else. */
async function ownObject(accountId: string, typename: string, id: string): Promise<object | undefined> {
  if (typename === 'Task' && isUuid(id)) return branded(await findAccountTask(accountId, { id }), TaskNode);
  if (typename === 'Account' && id === accountId) return branded(await db().account.findUnique({ where: { id } }), AccountNode);
  if (typename === 'Budget' && isUuid(id)) return (await budgetStanding(accountId, id)) ?? undefined;
  if (typename === 'BulkCancel' && isUuid(id)) return (await findBulkCancel(accountId, id)) ?? undefined;
  if (typename === 'WebhookEndpoint' && isUuid(id)) {
    return branded(await db().webhookEndpoint.findFirst({ where: { id, accountId } }), WebhookEndpointNode);
  }
  if (typename === 'LedgerEntry' && /^\d{1,19}$/.test(id) && BigInt(id) <= MAX_BIGINT) {
    return branded(await db().ledgerEntry.findFirst({ where: { id: BigInt(id), accountId } }), LedgerEntryNode);
  }
  return undefined;
}

builder.queryField('node', (t) =>
  t.field({
    type: builder.nodeInterfaceRef(),
    nullable: true,
    description:
      "Refetches one of your objects (a Task, your Account, one of its LedgerEntry rows, a Budget, a WebhookEndpoint, a BulkCancel) by its global id. Anything else, a malformed id or another account's object included, is null.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const target = decoded(args.id);
      if (!target || ctx.caller.kind !== 'client') return null;
      return (await ownObject(ctx.caller.accountId, target.typename, target.id)) ?? null;
    },
  }),
);
