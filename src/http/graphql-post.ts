import type { IncomingMessage, ServerResponse } from 'node:http';
import { type GraphQLParams, isAsyncIterable, processRegularResult } from 'graphql-yoga';
import { requestIdOf } from '../observability/request-id.ts';
import { acceptedTypes } from './accept.ts';
import type { GraphQLHandler, OperationOutcome } from './graphql-handler.ts';
import { NodeRequestView } from './node-request-view.ts';
import { withRequestErrorStatus } from './request-error-status.ts';
import { sendResponse } from './send-response.ts';
import { acceptsEventStream, closeStream } from './unread-streams.ts';

/** The two answers of GraphQL over HTTP to a single operation. */
type RegularMediaType = 'application/graphql-response+json' | 'application/json';

/** An Accept item this path can answer: a JSON type, not a stream's (`text/event-stream`, `multipart/mixed`). */
const JSON_ACCEPTS = new Set(['application/graphql-response+json', 'application/json', 'application/*', '*/*']);

/** Accept headers as clients send them: a handful, each sent again with every request. */
const NEGOTIATED_HEADERS = 256;
const negotiated = new Map<string, RegularMediaType | undefined>();

/**
 * The media type graphql-yoga answers a single result with for this Accept
 * header, when every item is a JSON type in UTF-8: the first item's, and
 * application/json for a wildcard. Undefined for anything else (a stream, a
 * charset other than UTF-8), which yoga itself negotiates.
 */
export function regularMediaType(accept: string | undefined): RegularMediaType | undefined {
  const key = accept ?? '';
  if (negotiated.has(key)) return negotiated.get(key);
  if (negotiated.size >= NEGOTIATED_HEADERS) negotiated.clear();
  const chosen = negotiate(accept);
  negotiated.set(key, chosen);
  return chosen;
}

function negotiate(accept: string | undefined): RegularMediaType | undefined {
  let chosen: RegularMediaType | undefined;
  for (const { type, utf8 } of acceptedTypes(accept)) {
    if (!JSON_ACCEPTS.has(type) || !utf8) return undefined;
    chosen ??= type === 'application/graphql-response+json' ? type : 'application/json';
  }
  return chosen;
}

export interface GraphQLPostRoute {
  /** CORS headers are yoga's to send: a request from a browser's page goes through it when origins are configured. */
  cors: boolean;
}

/**
 * Whether a request is what nearly every GraphQL client sends, a POST of
 * JSON to /graphql asking for a JSON answer, which `serveGraphQLPost`
 * answers on node:http directly. Everything else (GET, GraphiQL, SSE,
 * other bodies, CORS) is graphql-yoga's own.
 */
export function isGraphQLPost(req: IncomingMessage, route: GraphQLPostRoute): boolean {
  if (req.method !== 'POST' || (route.cors && req.headers.origin !== undefined)) return false;
  const path = req.url?.split('?', 1)[0];
  const type = req.headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase();
  return path === '/graphql' && type === 'application/json' && regularMediaType(req.headers.accept) !== undefined;
}

function isParams(value: unknown): value is GraphQLParams {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What yoga's result processor decided on: the status, headers and body of the answer. */
class ProcessedResult {
  constructor(
    readonly body: string | null,
    readonly init: { status: number; headers: Record<string, string> },
  ) {}
}

/** Stands for the fetch API where yoga's result processor makes its Response, which it only constructs. */
const RESULT_CAPTURE = { Response: ProcessedResult } as unknown as Parameters<typeof processRegularResult>[1];

/**
 * A POST of one operation in JSON, run through graphql-yoga's own pipeline
 * (parameter checks, plugins, masked errors, result processing), without
 * its fetch-API adapter: a Request, a Response, their streams and an
 * AbortSignal per request cost more CPU than the operation itself. `body` is
 * what the request sent; a body that is not one operation's JSON object
 * (malformed, a batch) is yoga's to answer, through `fallback`.
 */
export async function serveGraphQLPost(
  app: GraphQLHandler,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  fallback: () => Promise<void>,
): Promise<void> {
  let params: unknown;
  try {
    params = JSON.parse(body.toString('utf8'));
  } catch {
    await fallback();
    return;
  }
  if (!isParams(params)) {
    await fallback();
    return;
  }
  const request = new NodeRequestView(req, res);
  let result: OperationOutcome;
  try {
    result = await app.getResultForParams({ params, request: request.asRequest() }, {});
  } catch {
    // Parameters its checks refuse (no query, variables that are no map) throw before anything runs: yoga words the refusal.
    await fallback();
    return;
  }
  const requestId = requestIdOf(request);
  if (isAsyncIterable(result)) {
    // A subscription: its stream is yoga's to serve as server-sent events where the Accept allows them, else refused as yoga refuses it.
    await closeStream(result);
    if (acceptsEventStream(req.headers.accept)) await fallback();
    else sendResponse(res, 406, { accept: 'text/event-stream', 'x-request-id': requestId }, null);
    return;
  }
  const mediaType = regularMediaType(req.headers.accept) ?? 'application/json';
  const processed = processRegularResult(withRequestErrorStatus(result ?? {}), RESULT_CAPTURE, mediaType) as unknown as ProcessedResult;
  sendResponse(res, processed.init.status, { ...processed.init.headers, 'x-request-id': requestId }, processed.body);
}
