import { once } from 'node:events';
import type { ServerResponse } from 'node:http';

/** Writes a whole answer: its head and body leave in one write. */
export function sendResponse(res: ServerResponse, status: number, headers: Readonly<Record<string, string>>, body: string | null): void {
  // With its length declared, the body is sent as it is, not in chunks.
  res.writeHead(status, { ...headers, 'content-length': body === null ? 0 : Buffer.byteLength(body) });
  res.end(body ?? undefined);
}

/** Writes a fetch Response chunk by chunk, so a subscription over SSE flows as it is produced. */
export async function sendFetchResponse(res: ServerResponse, response: Response): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  res.on('close', () => void reader.cancel());
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    if (!res.write(chunk.value)) await once(res, 'drain');
  }
  res.end();
}
