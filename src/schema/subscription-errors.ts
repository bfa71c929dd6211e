import { GraphQLError } from 'graphql';
import { DomainError } from '../domain/errors.ts';
import type { StreamClosed } from '../events/stream-closed.ts';

/**
 * Subscriptions return their type, not a result union, so an expected failure
 * travels as a GraphQL error carrying the same code and status.
 */
export function asSubscriptionError(error: unknown): unknown {
  if (!(error instanceof DomainError)) return error;
  const param = 'param' in error ? error.param : undefined;
  return new GraphQLError(error.message, {
    extensions: { code: error.code, status: error.status, retryable: error.retryable, ...(param === undefined ? {} : { param }) },
  });
}

export function streamClosedError(closed: StreamClosed): GraphQLError {
  return new GraphQLError(closed.message, {
    extensions: { code: closed.code, retryable: closed.code !== 'KEY_REVOKED', resumeAfter: closed.resumeAfter },
  });
}

/** Runs a subscription's set-up, turning its expected failures into GraphQL errors. */
export async function subscribing<T>(setUp: () => Promise<T>): Promise<T> {
  try {
    return await setUp();
  } catch (error) {
    throw asSubscriptionError(error);
  }
}
