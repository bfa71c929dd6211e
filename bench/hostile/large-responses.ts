import http from 'node:http';
import { JSON_FIELD_COST, QUERY_LIMITS } from '../../src/schema/query-limits.ts';
import { closedLoop } from '../closed-loop.ts';
import { type Summary, summarize } from '../percentiles.ts';
import { type CountedResponse, postCounted } from './counted-post.ts';

/**
 * The largest page of task inputs the cost limit lets one operation read:
 * each edge costs its edge, its node and its id, and the JSON input's cost;
 * the connection itself 1.
 */
export const LARGEST_PAGE = Math.floor((QUERY_LIMITS.complexity - 1) / (JSON_FIELD_COST + 3));
const PAGE_SELECTION = '... on TaskConnection { edges { node { id input } } }';
export const LARGEST_PAGE_QUERY = `query { tasks(first: ${LARGEST_PAGE}) { ${PAGE_SELECTION} } }`;
/** Ten aliased pages of 40: what the cost limit is there to refuse before anything is read. */
const ALIASED_PAGES_QUERY = `query { ${Array.from({ length: 10 }, (_, n) => `p${n}: tasks(first: 40) { ${PAGE_SELECTION} }`).join(' ')} }`;
const PAGE_START = '{"data":{"tasks":{"edges":[';

export interface LargeResponses {
  responses: number;
  /** How long each page took, from the request sent to its last byte. */
  latency: Summary;
  bytes: number;
  errors: number;
  firstError: string | undefined;
}

/** Throws unless the answer is the page of tasks, whole and without errors. */
function checkPage(response: CountedResponse): void {
  if (response.status !== 200 || !response.head.startsWith(PAGE_START) || response.tail.includes('"errors"')) {
    throw new Error(`tasks(first: ${LARGEST_PAGE}) answered ${response.status}: ${response.head.slice(0, 300)}`);
  }
}

/** One request of the largest page; throws unless it was answered in full. Resolves with its size. */
async function requestLargestPage(agent: http.Agent, url: string, apiKey: string): Promise<number> {
  const response = await postCounted(agent, url, apiKey, LARGEST_PAGE_QUERY);
  checkPage(response);
  return response.bytes;
}

/** `callers` callers, each asking for the largest page again as soon as the last one arrived. */
export async function requestLargestPages(options: { url: string; apiKey: string; callers: number; durationMs: number }): Promise<LargeResponses> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.callers });
  let bytes = 0;
  try {
    const loop = await closedLoop({
      concurrency: options.callers,
      durationMs: options.durationMs,
      next: () => async () => {
        // Read after the await: `bytes += await …` would add to the total as it was before, losing the other caller's pages.
        const size = await requestLargestPage(agent, options.url, options.apiKey);
        bytes += size;
      },
    });
    return { responses: loop.latencies.length, latency: summarize(loop.latencies), bytes, errors: loop.errors, firstError: loop.firstError };
  } finally {
    agent.destroy();
  }
}

/** How the gateway answered ten aliased pages of 40: the error codes it gave, or what it sent instead. */
export async function tryAliasedPages(url: string, apiKey: string): Promise<{ refused: boolean; answer: string }> {
  const agent = new http.Agent({ keepAlive: false });
  try {
    const response = await postCounted(agent, url, apiKey, ALIASED_PAGES_QUERY);
    if (response.head.length === response.bytes && response.head.includes('QUERY_TOO_COMPLEX')) {
      const { errors } = JSON.parse(response.head) as { errors?: { extensions?: { code?: string; limit?: string } }[] };
      const codes = (errors ?? []).map(({ extensions }) => `${extensions?.code ?? '?'} (limit: ${extensions?.limit ?? '?'})`);
      return { refused: true, answer: `${response.status} ${codes.join(', ')}` };
    }
    return { refused: false, answer: `${response.status}, ${response.bytes.toLocaleString('en')} bytes: ${response.head.slice(0, 200)}` };
  } finally {
    agent.destroy();
  }
}
