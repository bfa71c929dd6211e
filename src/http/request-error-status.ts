import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { type ErrorCode, errorExtensions, isErrorCode } from '../domain/error-codes.ts';

interface HttpExtension {
  status?: number;
  spec?: boolean;
}

/**
 * The error with a plain HTTP status of 400, unless it carries a status of its
 * own or is a masked unexpected error (such as the database being down while
 * the context was built): that is the server's fault, and stays a 500.
 */
function asBadRequest(error: GraphQLError): GraphQLError {
  if (error.extensions.unexpected === true) return error;
  const http: HttpExtension | undefined = error.extensions.http ?? undefined;
  if (http?.status !== undefined && !http.spec) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, ...errorExtensions(codeOf(error)), http: { status: http?.status ?? 400 } },
  });
}

/**
 * The registered code of a request that never ran: its own when it has one
 * (yoga's GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, BAD_USER_INPUT), a
 * limit's (graphql-armor's alias and token limits give none), else a bad request.
 */
function codeOf(error: GraphQLError): ErrorCode {
  const code = error.extensions.code;
  if (isErrorCode(code)) return code;
  return /\b(?:aliases|token) limit\b|\blimit of \d+/i.test(error.message) ? 'QUERY_TOO_COMPLEX' : 'BAD_REQUEST';
}

function isSingleResult(result: unknown): result is ExecutionResult {
  return typeof result === 'object' && result !== null && !Array.isArray(result) && !(Symbol.asyncIterator in result);
}

/**
 * A request that never reached execution (it did not parse, validate, pass
 * the operation limits or coerce its variables) is answered 400 whatever the
 * Accept header, as SPEC §6 asks; graphql-yoga would answer 200 to clients
 * that accept only application/json.
 */
export function useRequestErrorStatus(): Plugin {
  return {
    onResultProcess(payload) {
      const { result } = payload;
      if (!isSingleResult(result) || !result.errors?.length || 'data' in result) return;
      payload.setResult({ ...result, errors: result.errors.map(asBadRequest) });
    },
  };
}
