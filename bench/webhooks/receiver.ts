import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { epochNow } from './clock.ts';
import { Inbox } from './inbox.ts';

/**
 * The endpoints' server, in the benchmark process on 127.0.0.1: it answers
 * 204 as soon as a message is read, so every delivery's time is the
 * gateway's, and files each message in its endpoint's inbox by path.
 */
export interface WebhookReceiver {
  /** A new endpoint's URL on this receiver, and the inbox its messages go to. */
  open(name: string): { url: string; inbox: Inbox };
  /** Requests to no inbox's path, or not POSTs: none are expected. */
  strays(): number;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<WebhookReceiver> {
  const inboxes = new Map<string, Inbox>();
  let strays = 0;
  const server = http.createServer((request, response) => {
    const inbox = request.method === 'POST' ? inboxes.get(request.url ?? '') : undefined;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const arrivedAt = epochNow();
      response.writeHead(inbox ? 204 : 404).end();
      if (inbox) inbox.receive(arrivedAt, request.headers, Buffer.concat(chunks).toString());
      else strays += 1;
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    open(name) {
      const path = `/hooks/${encodeURIComponent(name)}`;
      if (inboxes.has(path)) throw new Error(`webhook receiver: an inbox named "${name}" is open already`);
      const inbox = new Inbox();
      inboxes.set(path, inbox);
      return { url: `http://127.0.0.1:${port}${path}`, inbox };
    },
    strays: () => strays,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        // The gateway opens a connection per delivery; one it left open must not hold the process.
        server.closeAllConnections();
      }),
  };
}
