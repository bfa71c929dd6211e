import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { type ErrorCode, errorExtensions, isErrorCode } from '../domain/error-codes.ts';

interface HttpExtension {
  status?: number;
  spec?: boolean;
}

/**
 * Failures of a well-formed request's document: it did not parse, validate,
 * pass the operation limits or coerce its variables. GraphQL over HTTP answers
 * them 200 to a client that accepts only application/json and 4xx to one that
 * accepts application/graphql-response+json; yoga does so for errors marked
 * `spec`. A request that is not GraphQL over HTTP at all (a body that is not
 * JSON, no query, variables that are not a map) stays 400 for every client.
 */
const DOCUMENT_FAILURES: ReadonlySet<ErrorCode> = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'QUERY_TOO_COMPLEX']);

/**
 * The error with its registered code and a status of 400, unless it carries
 * another status of its own (413, 415, 429…) or is a masked unexpected error
 * (such as the database being down while the context was built): that is the
 * server's fault, and stays a 500.
 */
function withRequestStatus(error: GraphQLError): GraphQLError {
  if (error.extensions.unexpected === true) return error;
  const http: HttpExtension | undefined = error.extensions.http ?? undefined;
  if (http?.status !== undefined && http.status !== 400) return error;
  const code = codeOf(error);
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, ...errorExtensions(code), http: { status: 400, spec: DOCUMENT_FAILURES.has(code) } },
  });
}

/**
 * The registered code of a request that never ran: its own when it has one
 * (yoga's GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, BAD_REQUEST, the
 * limits' QUERY_TOO_COMPLEX), a variable's that did not coerce (the executor
 * gives none), else a bad request.
 */
function codeOf(error: GraphQLError): ErrorCode {
  const code = error.extensions.code;
  if (isErrorCode(code)) return code;
  return /^Variable "\$/.test(error.message) ? 'BAD_USER_INPUT' : 'BAD_REQUEST';
}

/**
 * The cost limits are checked as the first root field starts, so their
 * refusal arrives as `data: null`; nothing ran, and it is answered as the
 * request error it is.
 */
function isComplexityRefusal(result: ExecutionResult): boolean {
  return result.data === null && (result.errors ?? []).every((error) => error.extensions.code === 'QUERY_TOO_COMPLEX');
}

function isSingleResult(result: unknown): result is ExecutionResult {
  return typeof result === 'object' && result !== null && !Array.isArray(result) && !(Symbol.asyncIterator in result);
}

/** The result, or for a request that never reached execution, its errors with their registered codes and the status GraphQL over HTTP gives them (SPEC §6). */
export function withRequestErrorStatus<Result>(result: Result): Result | ExecutionResult {
  if (!isSingleResult(result) || !result.errors?.length) return result;
  if ('data' in result && !isComplexityRefusal(result)) return result;
  return { errors: result.errors.map(withRequestStatus), ...(result.extensions ? { extensions: result.extensions } : {}) };
}

/** `withRequestErrorStatus` on every result yoga answers. */
export function useRequestErrorStatus(): Plugin {
  return {
    onResultProcess(payload) {
      const result = withRequestErrorStatus(payload.result);
      if (result !== payload.result) payload.setResult(result);
    },
  };
}
