import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { GraphQLHandler } from './graphql-handler.ts';
import { declaresTooLarge, isUnsizedBody, MAX_BODY_BYTES, readLimited, rejectTooLarge } from './body-limit.ts';

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'transfer-encoding') continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

/** A chunked body is counted as it arrives, then handed over whole. */
async function serveUnsized(app: GraphQLHandler, req: IncomingMessage, res: ServerResponse, limit: number): Promise<void> {
  const body = await readLimited(req, limit);
  if (!body) {
    rejectTooLarge(res, limit);
    req.destroy();
    return;
  }
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  const response = await app.fetch(url, { method: req.method ?? 'POST', headers: headersOf(req), body });
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body) {
    res.end();
    return;
  }
  // Streams chunk by chunk so a subscription over SSE flows as it is produced.
  const reader = response.body.getReader();
  res.on('close', () => void reader.cancel());
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    if (!res.write(chunk.value)) await once(res, 'drain');
  }
  res.end();
}

/** A plain endpoint beside GraphQL, such as /health: GET only. */
export type Endpoint = (res: ServerResponse) => void | Promise<void>;

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** Answers `req` from `endpoints` when one serves its path; false otherwise. */
export function serveEndpoint(endpoints: Readonly<Record<string, Endpoint>>, req: IncomingMessage, res: ServerResponse): boolean {
  const endpoint = endpoints[pathOf(req)];
  if (!endpoint) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' });
    res.end();
    return true;
  }
  Promise.resolve(endpoint(res)).catch(() => {
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
  return true;
}

/** An HTTP server for the app, not yet listening; bodies over `limit` get 413 before GraphQL sees them. */
export function createHttpServer(app: GraphQLHandler, endpoints: Readonly<Record<string, Endpoint>> = {}, limit = MAX_BODY_BYTES): Server {
  return createServer((req, res) => {
    if (serveEndpoint(endpoints, req, res)) return;
    if (declaresTooLarge(req, limit)) {
      rejectTooLarge(res, limit);
      req.resume();
      return;
    }
    if (isUnsizedBody(req)) {
      serveUnsized(app, req, res, limit).catch(() => res.destroy());
      return;
    }
    app.requestListener(req, res);
  });
}

export function listen(server: Server, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(address && typeof address === 'object' ? address.port : port);
    });
  });
}
