import { GraphQLError, type GraphQLErrorOptions } from 'graphql';
import { type ErrorCode, errorExtensions } from '../domain/error-codes.ts';

/**
 * An error for a response's `errors`, carrying its registered code with the
 * code's status and retryability, as every error a field returns as data
 * carries them: a client reads both alike.
 */
export function graphQLError(
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
  options: Omit<GraphQLErrorOptions, 'extensions'> = {},
): GraphQLError {
  return new GraphQLError(message, { ...options, extensions: { ...errorExtensions(code), ...extensions } });
}
