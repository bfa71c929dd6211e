import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import { isStorableText } from '../domain/text.ts';
import { answersInvalidParam, invalidArgument } from './invalid-argument.ts';

/** The path (`input.model`, `models.0`) of the first string in `value` PostgreSQL cannot store exactly. */
function unstorablePath(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : path;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = unstorablePath(item, path === '' ? key : `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * PostgreSQL cannot store the NUL character in text, and fails the whole
 * statement on one; a model name, a filter or an error message holding one
 * became "Unexpected error". An unpaired surrogate is stored as U+FFFD, so
 * two idempotency keys holding different ones became one key. This refuses
 * such an argument on every field,
 * before its resolver runs: InvalidParamError naming it where the field
 * returns that type, else a GraphQL error with the same code.
 */
export class TextArgumentsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (Object.keys(fieldConfig.args).length === 0) return resolver;
    const typed = answersInvalidParam(fieldConfig.pothosOptions);
    return (parent, args, context, info) => {
      const param = unstorablePath(args, '');
      if (param === undefined) return resolver(parent, args, context, info);
      throw invalidArgument(typed, param, `${param} cannot contain the NUL character or an unpaired surrogate.`);
    };
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Pothos plugins register their names in this global namespace.
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      textArguments: TextArgumentsPlugin<Types>;
    }
  }
}

export const TEXT_ARGUMENTS_PLUGIN = 'textArguments';

SchemaBuilder.registerPlugin(TEXT_ARGUMENTS_PLUGIN, TextArgumentsPlugin);
