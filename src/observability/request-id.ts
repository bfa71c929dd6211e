import { randomUUID } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';

const HEADER = 'x-request-id';
/** What a caller's id may look like: short, and nothing that could forge a log line. */
const ACCEPTED = /^[\w.:-]{1,128}$/;

/** A request as far as its id goes: a fetch Request, or a view of node:http's. */
type RequestHeaders = { readonly headers: Pick<Headers, 'get'> };

const ids = new WeakMap<RequestHeaders, string>();

/** The caller's `x-request-id` when it is a sensible one, else a new id. */
export function requestIdFor(header: string | null | undefined): string {
  return header && ACCEPTED.test(header) ? header : randomUUID();
}

/** The id of an HTTP request, as the context and the logs know it. */
export function requestIdOf(request: RequestHeaders): string {
  let id = ids.get(request);
  if (id === undefined) {
    id = requestIdFor(request.headers.get(HEADER));
    ids.set(request, id);
  }
  return id;
}

/** Echoes each request's id in its response, so a client can quote it. */
export function useRequestId(): Plugin {
  return {
    onResponse({ request, response }) {
      response.headers.set(HEADER, requestIdOf(request));
    },
  };
}
