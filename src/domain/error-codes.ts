export interface ErrorSpec {
  /** The HTTP status a REST API would answer with. */
  status: number;
  /** Whether the same request may succeed later, unchanged. */
  retryable: boolean;
  description: string;
}

/**
 * Every code a client can see, defined once: the result-union errors fields
 * return as data, and the errors of streams, limits and transports, which
 * travel in a response's `errors` with the same `code`, `status` and
 * `retryable` in their extensions.
 */
export const ERROR_CODES = {
  INVALID_PARAM: { status: 400, retryable: false, description: 'An argument is invalid; `param` names it.' },
  INVALID_API_KEY: {
    status: 401,
    retryable: false,
    description: 'The key is missing, unknown or revoked, or of the wrong kind for this field.',
  },
  INSUFFICIENT_CREDITS: { status: 402, retryable: false, description: "The account's balance is below the model's price." },
  BUDGET_EXCEEDED: {
    status: 402,
    retryable: false,
    description: 'A budget of the account, its key or a tag of the task would be exceeded; `resetsAt` says when its period ends.',
  },
  REFUND_BELOW_EXPECTED: {
    status: 409,
    retryable: false,
    description: 'The cancel would refund less than `expectRefundAtLeast` (the task moved on since it was looked at); nothing changed.',
  },
  BULK_CANCEL_CONFLICT: {
    status: 409,
    retryable: false,
    description: 'A bulk cancel with this clientKey was asked for with another filter or reason; `bulkCancelId` names it.',
  },
  NOT_FOUND: { status: 404, retryable: false, description: "No such object, or another account's: the same answer." },
  TASK_NOT_FOUND: { status: 404, retryable: false, description: "No such task, or another account's: the same answer." },
  CONFLICT: {
    status: 409,
    retryable: true,
    description: 'The task is in a state that refuses this now; retry after `retryAfterSeconds`.',
  },
  IDEMPOTENCY_CONFLICT: {
    status: 409,
    retryable: false,
    description: 'A task with this outTaskId exists with another model, runner or input.',
  },
  LEASE_LOST: {
    status: 409,
    retryable: false,
    description: 'The worker no longer holds the task (cancelled, finished or re-queued): stop working on it.',
  },
  OPERATION_NOT_SUPPORTED: {
    status: 422,
    retryable: false,
    description: 'This runner cannot do it through the API; `cancelVia` says where it can be done.',
  },
  WEBHOOK_ENDPOINT_NOT_FOUND: {
    status: 404,
    retryable: false,
    description: "No such webhook endpoint, or another account's: the same answer.",
  },
  RATE_LIMITED: { status: 429, retryable: true, description: "The key is over its request rate; retry after `retryAfterSeconds`." },
  CURSOR_EXPIRED: {
    status: 410,
    retryable: false,
    description: 'The cursor is not in the kept event log (older than it, or unknown): re-read current state, then subscribe without `after`.',
  },
  SLOW_CONSUMER: {
    status: 429,
    retryable: true,
    description: 'The listener fell too far behind and was closed; subscribe again with `after: resumeAfter`.',
  },
  SHUTTING_DOWN: {
    status: 503,
    retryable: true,
    description: 'The instance is stopping; subscribe again, to another instance, with `after: resumeAfter`.',
  },
  KEY_REVOKED: { status: 401, retryable: false, description: "The stream's key was revoked; the stream is closed." },
  SUBSCRIPTION_LIMIT: {
    status: 429,
    retryable: true,
    description: 'A connection or a key has as many streams open as it may; close one first.',
  },
  QUERY_TOO_COMPLEX: {
    status: 400,
    retryable: false,
    description: "The operation is over a limit of depth, breadth, aliases, tokens or cost; `limit` names it.",
  },
  REQUEST_TOO_LARGE: { status: 413, retryable: false, description: 'The request body is over its size limit.' },
  BAD_REQUEST: { status: 400, retryable: false, description: 'The request is not a GraphQL request this server can read.' },
  GRAPHQL_PARSE_FAILED: { status: 400, retryable: false, description: 'The document is not valid GraphQL syntax.' },
  GRAPHQL_VALIDATION_FAILED: { status: 400, retryable: false, description: 'The document does not validate against the schema.' },
  BAD_USER_INPUT: { status: 400, retryable: false, description: "The variables do not fit the operation's types." },
  INTERNAL_SERVER_ERROR: {
    status: 500,
    retryable: true,
    description: "An unexpected failure of the server's, masked: its details are logged, never sent.",
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** What a GraphQL error's extensions carry for `code`: the code, its status and whether to retry. */
export function errorExtensions(code: ErrorCode): { code: ErrorCode; status: number; retryable: boolean } {
  const { status, retryable } = ERROR_CODES[code];
  return { code, status, retryable };
}
