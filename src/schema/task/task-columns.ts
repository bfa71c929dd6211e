import { type FieldNode, type GraphQLResolveInfo, isAbstractType, isObjectType, Kind, type SelectionSetNode } from 'graphql';
import type { TaskColumn } from '../../db/sql/task-reads.ts';

/**
 * The columns each field of the Task type reads from its row. A field
 * missing here reads every column: a new field is always served right, and
 * the schema test names it, so it gets its columns here.
 */
export const TASK_FIELD_COLUMNS: Readonly<Record<string, readonly TaskColumn[]>> = {
  __typename: [],
  id: [],
  outTaskId: ['outTaskId'],
  model: ['modelName'],
  runner: ['runner'],
  state: ['state'],
  progress: ['progress'],
  input: ['input'],
  output: ['output'],
  error: ['error'],
  creditsUsed: ['creditsUsed'],
  attempts: ['attempts'],
  createdAt: ['createdAt'],
  startedAt: ['startedAt'],
  finishedAt: ['finishedAt'],
  cancelledAt: ['cancelledAt'],
  updatedAt: ['updatedAt'],
  metadata: ['metadata'],
  tags: ['tags'],
  cancelledBy: ['cancelActorKind', 'cancelActorId'],
  cancelReason: ['cancelReason'],
  priority: ['priority'],
  startDeadline: ['startDeadline'],
  maxRunSeconds: ['maxRunSeconds'],
  runDeadline: ['runDeadline'],
  claimableAt: ['availableAt'],
  // Read by id, on their own.
  cancelPreview: [],
  ledgerEntries: [],
  events: [],
};

/** Every column: what a selection reads when it holds a field not listed above. */
const ALL = 'all';
type Columns = ReadonlySet<TaskColumn> | typeof ALL;

/** Each field's columns, walked once per field of a parsed document: documents repeat, and yoga keeps their parses. */
const walked = new WeakMap<FieldNode, Columns>();

function appliesToTask(typeName: string | undefined, info: GraphQLResolveInfo): boolean {
  if (typeName === undefined || typeName === 'Task') return true;
  const type = info.schema.getType(typeName);
  const task = info.schema.getType('Task');
  return isAbstractType(type) && isObjectType(task) && info.schema.isSubType(type, task);
}

/** The columns the Task fields of a selection read, through its fragments; directives are not weighed, so a skipped field's columns are read too. */
function columnsOfSelection(selectionSet: SelectionSetNode | undefined, info: GraphQLResolveInfo, into: Set<TaskColumn>): boolean {
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      const columns = TASK_FIELD_COLUMNS[selection.name.value];
      if (!columns) return false;
      for (const column of columns) into.add(column);
      continue;
    }
    const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : info.fragments[selection.name.value];
    if (!fragment || !appliesToTask(fragment.typeCondition?.name.value, info)) continue;
    if (!columnsOfSelection(fragment.selectionSet, info, into)) return false;
  }
  return true;
}

function columnsOfField(field: FieldNode, info: GraphQLResolveInfo): Columns {
  let columns = walked.get(field);
  if (columns === undefined) {
    const into = new Set<TaskColumn>(['id', 'accountId']);
    columns = columnsOfSelection(field.selectionSet, info, into) ? into : ALL;
    walked.set(field, columns);
  }
  return columns;
}

/**
 * The columns a field returning a Task reads for its selection, sorted;
 * undefined for every column. A point read of a handful of columns costs a
 * fraction of one of the whole row: its description, parsing of each
 * timestamp and JSON value, and the bytes in between.
 */
export function taskColumnsOf(info: GraphQLResolveInfo): readonly TaskColumn[] | undefined {
  const columns = new Set<TaskColumn>();
  for (const field of info.fieldNodes) {
    const own = columnsOfField(field, info);
    if (own === ALL) return undefined;
    for (const column of own) columns.add(column);
  }
  return [...columns].sort();
}
