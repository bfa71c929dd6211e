import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import { getNamedType, type GraphQLFieldResolver, GraphQLError, type GraphQLResolveInfo, isAbstractType, isObjectType } from 'graphql';
import { DomainError } from '../domain/errors.ts';
import { recordOutcome } from '../observability/outcomes.ts';

const ROOT_TYPES = new Set(['Query', 'Mutation']);

function failureOf(error: unknown): string {
  if (error instanceof DomainError) return error.code;
  const code = error instanceof GraphQLError ? error.extensions.code : undefined;
  return typeof code === 'string' ? code : 'error';
}

/** The name of the type `value` resolves to, as graphql-js would resolve it. */
function typeNameOf(value: unknown, context: unknown, info: GraphQLResolveInfo): string {
  const type = getNamedType(info.returnType);
  if (!isAbstractType(type)) return type.name;
  const resolved = type.resolveType?.(value, context, info, type);
  return typeof resolved === 'string' ? resolved : type.name;
}

/**
 * An error's code, else the name of the type the value resolves to: what a
 * client branches on. The errors plugin hands an expected failure on as a
 * proxy of the error, which reads as the error but is no instance of it, so
 * the type it resolves to tells it apart.
 */
function outcomeOf(value: unknown, context: unknown, info: GraphQLResolveInfo): string {
  if (value instanceof DomainError) return value.code;
  if (value === null || value === undefined) return 'null';
  const name = typeNameOf(value, context, info);
  const type = info.schema.getType(name);
  const isError = isObjectType(type) && type.getInterfaces().some((implemented) => implemented.name === 'Error');
  const code = isError && typeof value === 'object' && 'code' in value ? value.code : undefined;
  return typeof code === 'string' ? code : name;
}

/**
 * Records how each root field of a request ended, for its log line and the
 * operation metrics. It wraps the errors plugin's wrapper, so it sees an
 * expected failure as the error value the client gets.
 */
export class OutcomePlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (!ROOT_TYPES.has(fieldConfig.parentType)) return resolver;
    const field = fieldConfig.name;
    return async (parent, args, context, info) => {
      try {
        const value: unknown = await resolver(parent, args, context, info);
        recordOutcome(context, { field, outcome: outcomeOf(value, context, info) });
        return value;
      } catch (error) {
        recordOutcome(context, { field, outcome: failureOf(error) });
        throw error;
      }
    };
  }

  /** A subscription's outcome is its start: events later are not requests. */
  override wrapSubscribe(
    subscribe: GraphQLFieldResolver<unknown, Types['Context'], object> | undefined,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> | undefined {
    if (!subscribe) return subscribe;
    const field = fieldConfig.name;
    return async (parent, args, context, info) => {
      try {
        const stream: unknown = await subscribe(parent, args, context, info);
        recordOutcome(context, { field, outcome: 'subscribed' });
        return stream;
      } catch (error) {
        recordOutcome(context, { field, outcome: failureOf(error) });
        throw error;
      }
    };
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Pothos plugins register their names in this global namespace.
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      outcomes: OutcomePlugin<Types>;
    }
  }
}

export const OUTCOME_PLUGIN = 'outcomes';

SchemaBuilder.registerPlugin(OUTCOME_PLUGIN, OutcomePlugin);
