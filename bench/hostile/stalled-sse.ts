import http from 'node:http';

const HEADERS_TIMEOUT_MS = 10_000;
/** How the gateway ends a listener that fell too far behind: the code in its last `next`. */
const CUT_CODE = Buffer.from('SLOW_CONSUMER');

/** What became of a stalled stream once it was read again. */
export type StreamFate =
  /** SLOW_CONSUMER arrived: the gateway cut the listener off. */
  | { kind: 'cut'; bytes: number }
  /** The response ended without it. */
  | { kind: 'ended'; bytes: number }
  /** Still streaming, without SLOW_CONSUMER, when the check gave up. */
  | { kind: 'open'; bytes: number }
  | { kind: 'failed'; bytes: number; reason: string };

export interface StalledStream {
  /** Reads again, until SLOW_CONSUMER, the end of the stream or `timeoutMs`; then closes the stream. */
  resumeAndCheck(timeoutMs: number): Promise<StreamFate>;
  destroy(): void;
}

/** Whether SLOW_CONSUMER is in `chunk`, or across its start and the end of the chunk before it. */
function seesCut(previousTail: Buffer, chunk: Buffer): boolean {
  return chunk.includes(CUT_CODE) || Buffer.concat([previousTail, chunk.subarray(0, CUT_CODE.length - 1)]).includes(CUT_CODE);
}

function tailOf(previousTail: Buffer, chunk: Buffer): Buffer {
  const keep = CUT_CODE.length - 1;
  return chunk.length >= keep ? Buffer.from(chunk.subarray(-keep)) : Buffer.concat([previousTail, chunk]).subarray(-keep);
}

function readAgain(req: http.ClientRequest, res: http.IncomingMessage, timeoutMs: number): Promise<StreamFate> {
  return new Promise((resolve) => {
    let bytes = 0;
    let tail: Buffer = Buffer.alloc(0);
    let done = false;
    const finish = (fate: StreamFate): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      res.removeAllListeners('data');
      req.destroy();
      resolve(fate);
    };
    const timer = setTimeout(() => {
      finish({ kind: 'open', bytes });
    }, timeoutMs);
    res.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (seesCut(tail, chunk)) finish({ kind: 'cut', bytes });
      tail = tailOf(tail, chunk);
    });
    res.once('end', () => {
      finish({ kind: 'ended', bytes });
    });
    res.once('close', () => {
      finish({ kind: 'failed', bytes, reason: 'the connection closed before the response ended' });
    });
    if (res.destroyed) finish({ kind: 'failed', bytes, reason: 'the connection had closed' });
    res.resume();
  });
}

/**
 * A `taskEvents` subscription over SSE (POST, `accept: text/event-stream`)
 * on a connection of its own, whose client reads the response headers and
 * then stops reading: a stalled consumer. The gateway's send buffers and the
 * kernel's fill, after which what the gateway holds for it is its listener
 * queue, bounded in bytes.
 */
export function openStalledStream(url: string, apiKey: string, query: string): Promise<StalledStream> {
  const body = JSON.stringify({ query });
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        'content-length': Buffer.byteLength(body),
        authorization: `Bearer ${apiKey}`,
      },
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`no SSE response headers within ${HEADERS_TIMEOUT_MS} ms`));
    }, HEADERS_TIMEOUT_MS);
    // Errors after the headers (the gateway closing the connection) show in resumeAndCheck instead.
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.once('response', (res) => {
      clearTimeout(timer);
      res.on('error', () => undefined);
      const type = res.headers['content-type'] ?? '';
      if (res.statusCode !== 200 || !type.startsWith('text/event-stream')) {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.once('end', () => {
          reject(new Error(`SSE subscription answered ${res.statusCode ?? 0} ${type}: ${text.slice(0, 300)}`));
        });
        return;
      }
      res.pause();
      resolve({
        resumeAndCheck: (timeoutMs) => readAgain(req, res, timeoutMs),
        destroy: () => req.destroy(),
      });
    });
    req.end(body);
  });
}
