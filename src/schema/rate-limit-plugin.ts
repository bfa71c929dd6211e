import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import { type GraphQLFieldResolver, GraphQLError } from 'graphql';
import { errorExtensions } from '../domain/error-codes.ts';
import type { RateLimitedError } from '../domain/errors.ts';

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

function refusalOf(context: unknown): RateLimitedError | undefined {
  return typeof context === 'object' && context !== null && 'rateLimited' in context
    ? (context.rateLimited as RateLimitedError | undefined)
    : undefined;
}

/** The refusal as the field can report it: as data where it returns a result union, else as a GraphQL error with the same code. */
function refuse(refusal: RateLimitedError, typed: boolean): never {
  if (typed) throw refusal;
  throw new GraphQLError(refusal.message, {
    extensions: { ...errorExtensions(refusal.code), retryAfterSeconds: refusal.retryAfterSeconds },
  });
}

/**
 * The one place rate limits are applied: every root field, of queries,
 * mutations and subscriptions alike, refuses a request whose key is over its
 * rate, whichever transport brought it. The refusal is taken once per
 * request, as its context is made.
 */
export class RateLimitPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (!ROOT_TYPES.has(fieldConfig.parentType) || fieldConfig.parentType === 'Subscription') return resolver;
    const typed = 'errors' in fieldConfig.pothosOptions;
    return (parent, args, context, info) => {
      const refusal = refusalOf(context);
      if (refusal) refuse(refusal, typed);
      return resolver(parent, args, context, info);
    };
  }

  override wrapSubscribe(
    subscribe: GraphQLFieldResolver<unknown, Types['Context'], object> | undefined,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> | undefined {
    if (!subscribe || fieldConfig.parentType !== 'Subscription') return subscribe;
    return (parent, args, context, info) => {
      const refusal = refusalOf(context);
      if (refusal) refuse(refusal, false);
      return subscribe(parent, args, context, info);
    };
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Pothos plugins register their names in this global namespace.
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      rateLimit: RateLimitPlugin<Types>;
    }
  }
}

export const RATE_LIMIT_PLUGIN = 'rateLimit';

SchemaBuilder.registerPlugin(RATE_LIMIT_PLUGIN, RateLimitPlugin);
