import type { GraphQLError } from 'graphql';
import { DomainError } from '../domain/errors.ts';
import type { StreamClosed } from '../events/stream-closed.ts';
import { graphQLError } from './graphql-error.ts';

/**
 * Subscriptions return their type, not a result union, so an expected failure
 * travels as a GraphQL error carrying the same code and status.
 */
export function asSubscriptionError(error: unknown): unknown {
  if (!(error instanceof DomainError)) return error;
  // The error's own fields (param, limit, retryAfterSeconds, ...), as a result union would show them.
  return graphQLError(error.code, error.message, Object.fromEntries(Object.entries(error)));
}

export function streamClosedError(closed: StreamClosed): GraphQLError {
  return graphQLError(closed.code, closed.message, { resumeAfter: closed.resumeAfter });
}

/** Runs a subscription's set-up, turning its expected failures into GraphQL errors. */
export async function subscribing<T>(setUp: () => Promise<T>): Promise<T> {
  try {
    return await setUp();
  } catch (error) {
    throw asSubscriptionError(error);
  }
}
