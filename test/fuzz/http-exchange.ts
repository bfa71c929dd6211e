import { leaksIn } from '../helpers/leaks.ts';
import type { FuzzOperation } from './random-operation.ts';

/** One request and what came back, as raw as the transport gives it. */
export interface Exchange {
  transport: string;
  status: number;
  contentType: string;
  text: string;
}

/** Long enough for the slowest legitimate operation on a busy CI machine; a hang is a failure. */
const ANSWER_MS = 10_000;

/** How long an event stream is read when a request did not ask for one, as `Accept: *\/*` may get. */
const UNASKED_STREAM_MS = 300;

async function exchange(transport: string, url: string, init: RequestInit, streamMs = UNASKED_STREAM_MS): Promise<Exchange> {
  const abort = new AbortController();
  const deadline = setTimeout(() => {
    abort.abort();
  }, ANSWER_MS);
  try {
    const response = await fetch(url, { ...init, signal: abort.signal });
    const contentType = response.headers.get('content-type') ?? '';
    const text = contentType.startsWith('text/event-stream') ? await readStream(response, streamMs, abort) : await response.text();
    return { transport, status: response.status, contentType, text };
  } catch (error) {
    return { transport, status: 0, contentType: '', text: `no answer: ${String(error)}` };
  } finally {
    clearTimeout(deadline);
  }
}

/** An event stream read for `ms` or to its end, whichever comes first; a subscription may never end by itself. */
async function readStream(response: Response, ms: number, abort: AbortController): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const decoder = new TextDecoder();
  let text = '';
  const stop = setTimeout(() => {
    abort.abort();
  }, ms);
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value, { stream: true });
  } catch {
    // Aborted by us after `ms`: what arrived so far is the answer.
  } finally {
    clearTimeout(stop);
  }
  return text;
}

function headers(authorization: string | undefined, accept: string, contentType?: string): Record<string, string> {
  return {
    accept,
    ...(contentType ? { 'content-type': contentType } : {}),
    ...(authorization === undefined ? {} : { authorization }),
  };
}

export function post(url: string, operation: FuzzOperation, authorization: string | undefined, accept: string): Promise<Exchange> {
  return exchange('POST', url, { method: 'POST', headers: headers(authorization, accept, 'application/json'), body: JSON.stringify(operation) });
}

/** Raw text for the JSON parameters of a query string, which may not be JSON at all. */
export interface RawParams {
  variables?: string;
  extensions?: string;
}

function searchOf(operation: FuzzOperation, raw: RawParams): URLSearchParams {
  const search = new URLSearchParams({ query: operation.query });
  const variables = raw.variables ?? (operation.variables ? JSON.stringify(operation.variables) : undefined);
  if (variables !== undefined) search.set('variables', variables);
  if (raw.extensions !== undefined) search.set('extensions', raw.extensions);
  if (operation.operationName !== undefined) search.set('operationName', operation.operationName);
  return search;
}

/** GraphQL over HTTP GET: the operation in the query string. */
export function get(url: string, operation: FuzzOperation, authorization: string | undefined, accept: string, raw: RawParams = {}): Promise<Exchange> {
  return exchange('GET', `${url}?${searchOf(operation, raw).toString()}`, { method: 'GET', headers: headers(authorization, accept) });
}

/** The operation as an HTML form would post it. */
export function postForm(url: string, operation: FuzzOperation, authorization: string | undefined, accept: string, raw: RawParams = {}): Promise<Exchange> {
  const init = { method: 'POST', headers: headers(authorization, accept, 'application/x-www-form-urlencoded'), body: searchOf(operation, raw).toString() };
  return exchange('POST form', url, init);
}

/** A subscription (or any operation) over SSE, read for up to `ms`. */
export function sse(url: string, operation: FuzzOperation, authorization: string | undefined, ms: number): Promise<Exchange> {
  const init = { method: 'POST', headers: headers(authorization, 'text/event-stream', 'application/json'), body: JSON.stringify(operation) };
  return exchange('SSE', url, init, ms);
}

/** The bodies of a response: the whole text, or each `data:` line of an event stream. */
function bodiesOf(exchanged: Exchange): string[] {
  if (!exchanged.contentType.startsWith('text/event-stream')) return exchanged.text === '' ? [] : [exchanged.text];
  return [...exchanged.text.matchAll(/^data: ?(.*)$/gm)].map((match) => match[1] ?? '').filter((data) => data !== '');
}

/** What is wrong with an answer: a 5xx, no answer, a body that is not JSON, or a leak. Empty when it is fine. */
export function problemsOf(exchanged: Exchange): string[] {
  const problems: string[] = [];
  if (exchanged.status === 0 || exchanged.status >= 500) problems.push(`status ${exchanged.status}`);
  for (const body of bodiesOf(exchanged)) {
    try {
      JSON.parse(body);
    } catch {
      problems.push(`a body that is not JSON: ${body.slice(0, 200)}`);
    }
  }
  problems.push(...leaksIn(exchanged.text));
  return problems;
}
