import http from 'node:http';

/** What is kept of an answer: its ends, enough to tell data from errors, and its size. */
const KEPT_BYTES = 64 * 1024;

export interface CountedResponse {
  status: number;
  bytes: number;
  /** The first and last KEPT_BYTES of the body (the whole body when it is shorter). */
  head: string;
  tail: string;
}

/**
 * A GraphQL POST whose answer is counted, not kept or parsed: the load
 * generator shares the gateway's cores, and parsing answers of tens of MiB
 * would take them from the gateway under test.
 */
export function postCounted(agent: http.Agent, url: string, apiKey: string, query: string): Promise<CountedResponse> {
  const body = JSON.stringify({ query });
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${apiKey}`,
        },
      },
      (res) => {
        let bytes = 0;
        let head: Buffer = Buffer.alloc(0);
        let tail: Buffer = Buffer.alloc(0);
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (head.length < KEPT_BYTES) head = Buffer.concat([head, chunk.subarray(0, KEPT_BYTES - head.length)]);
          // A chunk as long as the tail replaces it without a copy.
          tail = chunk.length >= KEPT_BYTES ? chunk.subarray(-KEPT_BYTES) : Buffer.concat([tail, chunk]).subarray(-KEPT_BYTES);
        });
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, bytes, head: head.toString(), tail: tail.toString() });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
