import type { ComplexityErrorKind, ComplexityResult, FieldComplexityFunction } from '@pothos/plugin-complexity';
import { getNamedType, getNullableType, type GraphQLError, isListType } from 'graphql';
import { graphQLError } from './graphql-error.ts';
import type { Context } from './context.ts';

/** Per operation; a connection counts its selection once per requested node. */
export const QUERY_LIMITS = { depth: 12, breadth: 200, complexity: 20_000 };

export const DEFAULT_PAGE = 20;
/** Larger pages are cut to this size, so they cost no more than it. */
export const MAX_PAGE = 100;
const LIST_MULTIPLIER = 10;
/**
 * A JSON field (a task's input or output) may hold up to 1 MiB, where other
 * fields hold a few bytes, and a mebibyte of JSON costs the gateway several
 * while it is read, resolved and written out. At this cost one operation
 * reads at most 22 of them (a default page of 20 inputs fits), so what one
 * request can make the gateway hold stays within a couple of hundred MiB.
 */
export const JSON_FIELD_COST = 900;

/**
 * A connection costs its page size times its selection; its `edges` list is
 * that page, so it does not multiply again. Other lists count as ten items,
 * and a JSON field as what it may hold.
 */
export const fieldComplexity: FieldComplexityFunction<Context, Record<string, unknown>> = (args, _ctx, field) => {
  if (field.args.some((arg) => arg.name === 'first')) {
    const size = [args.first, args.last].find((value): value is number => typeof value === 'number');
    return { field: 1, multiplier: Math.min(Math.max(size ?? DEFAULT_PAGE, 1), MAX_PAGE) };
  }
  if (field.name === 'edges') return { field: 1, multiplier: 1 };
  if (getNamedType(field.type).name === 'JSON') return JSON_FIELD_COST;
  return isListType(getNullableType(field.type)) ? { field: 1, multiplier: LIST_MULTIPLIER } : 1;
};

/** A refusal by one of the limits, naming it. */
export function complexityError(kind: ComplexityErrorKind, result: ComplexityResult & { maxComplexity?: number; maxDepth?: number; maxBreadth?: number }): GraphQLError {
  const limit = kind.toLowerCase() as 'depth' | 'breadth' | 'complexity';
  const max = { depth: result.maxDepth, breadth: result.maxBreadth, complexity: result.maxComplexity }[limit];
  return graphQLError('QUERY_TOO_COMPLEX', `Operation ${limit} ${result[limit]} exceeds the limit of ${max ?? 'this server'}.`, {
    limit,
    http: { status: 400 },
  });
}
