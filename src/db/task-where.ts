import type { TaskFilterValue } from '../domain/task-filter.ts';
import type { Prisma } from '../generated/prisma/client.ts';

function range(from: Date | null | undefined, before: Date | null | undefined): Prisma.DateTimeFilter | undefined {
  return from || before ? { ...(from ? { gte: from } : {}), ...(before ? { lt: before } : {}) } : undefined;
}

/** An account's tasks that match the filter, as the database finds them (tags by their index). */
export function taskWhere(accountId: string, filter: TaskFilterValue): Prisma.TaskWhereInput {
  const created = range(filter.createdFrom, filter.createdBefore);
  const updated = range(filter.updatedFrom, filter.updatedBefore);
  const entries = Object.entries(filter.metadata ?? {});
  return {
    accountId,
    ...(filter.states ? { state: { in: [...filter.states] } } : {}),
    ...(filter.models ? { modelName: { in: [...filter.models] } } : {}),
    ...(filter.runners ? { runner: { in: [...filter.runners] } } : {}),
    ...(filter.tags ? { tags: { hasEvery: [...filter.tags] } } : {}),
    ...(entries.length > 0 ? { AND: entries.map(([key, value]) => ({ metadata: { path: [key], equals: value } })) } : {}),
    ...(created ? { createdAt: created } : {}),
    ...(updated ? { updatedAt: updated } : {}),
  };
}
