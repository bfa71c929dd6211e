import type { ComplexityErrorFn } from '@pothos/plugin-complexity';
import { GraphQLError } from 'graphql';

/** Per operation; a connection counts its selection `first`/`last` times. */
export const QUERY_LIMITS = { depth: 12, breadth: 200, complexity: 2_500 };

export const complexityError: ComplexityErrorFn = (kind, result) => {
  const limit = kind.toLowerCase() as 'depth' | 'breadth' | 'complexity';
  const max = { depth: result.maxDepth, breadth: result.maxBreadth, complexity: result.maxComplexity }[limit];
  return new GraphQLError(`Operation ${limit} ${result[limit]} exceeds the limit of ${max ?? 'this server'}.`, {
    extensions: { code: 'QUERY_TOO_COMPLEX', limit, http: { status: 400 } },
  });
};
