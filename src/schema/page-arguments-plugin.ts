import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, PothosValidationError, type SchemaTypes } from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import { invalidArgument } from './invalid-argument.ts';

const PAGE_ARGUMENTS = ['first', 'last', 'after', 'before'];

/** Pothos says which argument it refused in its message: `Argument "first" must be ...`. */
function refusedArgument(error: PothosValidationError): string | null {
  return /Argument "(\w+)"/.exec(error.message)?.[1] ?? null;
}

/**
 * Pothos refuses bad page arguments (a negative `first`, a cursor it cannot
 * read) with an error clients cannot branch on, which masking would even turn
 * into "Unexpected error". On connection fields, this turns it into
 * InvalidParamError where the field returns that type, else into a plain
 * GraphQL error that keeps its message.
 */
export class PageArgumentsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (!Object.keys(fieldConfig.args).some((name) => PAGE_ARGUMENTS.includes(name))) return resolver;
    const typed = 'errors' in fieldConfig.pothosOptions;
    return async (parent, args, context, info) => {
      try {
        return await resolver(parent, args, context, info);
      } catch (error) {
        if (!(error instanceof PothosValidationError)) throw error;
        throw invalidArgument(typed, refusedArgument(error), error.message);
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
