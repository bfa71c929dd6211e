import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, PothosValidationError, type SchemaTypes } from '@pothos/core';
import { type GraphQLFieldResolver, type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';
import { answersInvalidParam, invalidArgument } from './invalid-argument.ts';

const PAGE_ARGUMENTS = ['first', 'last', 'after', 'before'];

interface PageArgs {
  after?: unknown;
  before?: unknown;
}

const CURSORS = ['after', 'before'] as const;

/**
 * The cursor argument, anywhere below the field, that holds `cursor`: a
 * Prisma field reads the cursors of the connections nested in it (such as
 * `account { ledger(after:) }`) while it builds its one query.
 */
function nestedCursorArgument(selections: readonly SelectionSetNode[], info: GraphQLResolveInfo, cursor: string): string | null {
  for (const selectionSet of selections) {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = info.fragments[selection.name.value];
        const found = fragment && nestedCursorArgument([fragment.selectionSet], info, cursor);
        if (found) return found;
        continue;
      }
      for (const argument of selection.kind === Kind.FIELD ? (selection.arguments ?? []) : []) {
        const { value } = argument;
        const given = value.kind === Kind.VARIABLE ? info.variableValues[value.name.value] : value.kind === Kind.STRING ? value.value : undefined;
        if ((CURSORS as readonly string[]).includes(argument.name.value) && given === cursor) return argument.name.value;
      }
      const found = selection.selectionSet && nestedCursorArgument([selection.selectionSet], info, cursor);
      if (found) return found;
    }
  }
  return null;
}

interface Refusal {
  param: string | null;
  /** Whether it is an argument of this field, rather than of one nested in it. */
  own: boolean;
}

/**
 * The argument Pothos refused: named in its message (`Argument "first" must
 * be ...`), or the cursor it could not read (`Invalid cursor: <cursor>`), on
 * this field or one nested in it. A refusal of two arguments together
 * (`Arguments "before" and "first" ...`) names neither.
 */
function refusalOf(error: PothosValidationError, args: PageArgs, info: GraphQLResolveInfo): Refusal {
  const named = /Argument "(\w+)"/.exec(error.message)?.[1];
  if (named !== undefined) return { param: named, own: true };
  const cursor = /^Invalid cursor: (.*)$/s.exec(error.message)?.[1];
  if (cursor === undefined) return { param: null, own: true };
  const own = CURSORS.find((name) => args[name] === cursor);
  if (own) return { param: own, own: true };
  const selections = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  return { param: nestedCursorArgument(selections, info, cursor), own: false };
}

/**
 * Pothos refuses bad page arguments (a negative `first`, a cursor it cannot
 * read) with an error clients cannot branch on, which masking would even turn
 * into "Unexpected error". On connection fields, and on root fields, where a
 * Prisma field reads the cursors nested in it, this turns it into
 * InvalidParamError where the field returns that type, else into a plain
 * GraphQL error with the same code and param.
 */
export class PageArgumentsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    const isRoot = ['Query', 'Mutation'].includes(fieldConfig.parentType);
    if (!isRoot && !Object.keys(fieldConfig.args).some((name) => PAGE_ARGUMENTS.includes(name))) return resolver;
    const typed = answersInvalidParam(fieldConfig.pothosOptions);
    return async (parent, args, context, info) => {
      try {
        return await resolver(parent, args, context, info);
      } catch (error) {
        if (!(error instanceof PothosValidationError)) throw error;
        const { param, own } = refusalOf(error, args, info);
        throw invalidArgument(typed && own, param, error.message);
      }
    };
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Pothos plugins register their names in this global namespace.
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      pageArguments: PageArgumentsPlugin<Types>;
    }
  }
}

export const PAGE_ARGUMENTS_PLUGIN = 'pageArguments';

SchemaBuilder.registerPlugin(PAGE_ARGUMENTS_PLUGIN, PageArgumentsPlugin);
