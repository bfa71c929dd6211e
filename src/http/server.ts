import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { GraphQLHandler } from './graphql-handler.ts';
import { declaresTooLarge, isUnsizedBody, MAX_BODY_BYTES, readLimited, rejectTooLarge } from './body-limit.ts';
import { type GraphQLPostRoute, isGraphQLPost, serveGraphQLPost } from './graphql-post.ts';
import { sendFetchResponse } from './send-response.ts';

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'transfer-encoding') continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

/** A request whose body is already read, answered by yoga. */
async function serveRead(app: GraphQLHandler, req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  await sendFetchResponse(res, await app.fetch(url, { method: req.method ?? 'POST', headers: headersOf(req), body }));
}

/** A body counted as it arrives (a chunked one may not say its size), then handed on whole: to the direct path when `direct`, else to yoga. */
async function serveBody(app: GraphQLHandler, req: IncomingMessage, res: ServerResponse, limit: number, direct: boolean): Promise<void> {
  const body = await readLimited(req, limit);
  if (!body) {
    rejectTooLarge(res, limit);
    req.destroy();
    return;
  }
  if (direct) await serveGraphQLPost(app, req, res, body, () => serveRead(app, req, res, body));
  else await serveRead(app, req, res, body);
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

export interface HttpServerOptions extends GraphQLPostRoute {
  /** Bodies over this many bytes get 413 before GraphQL sees them. */
  limit?: number;
}

/** An HTTP server for the app, not yet listening. */
export function createHttpServer(app: GraphQLHandler, endpoints: Readonly<Record<string, Endpoint>>, options: HttpServerOptions): Server {
  const limit = options.limit ?? MAX_BODY_BYTES;
  return createServer((req, res) => {
    if (serveEndpoint(endpoints, req, res)) return;
    if (declaresTooLarge(req, limit)) {
      rejectTooLarge(res, limit);
      req.resume();
      return;
    }
    const direct = isGraphQLPost(req, options);
    if (direct || isUnsizedBody(req)) {
      serveBody(app, req, res, limit, direct).catch(() => res.destroy());
      return;
    }
    app.requestListener(req, res);
  });
}

/** The address to listen on: the configured one, else loopback alone for the embedded demo (it prints its keys), else every interface. */
export function listenHost(configured: string | undefined, embedded: boolean): string | undefined {
  return configured ?? (embedded ? '127.0.0.1' : undefined);
}

/** Where clients reach a gateway listening on `host` (every interface when undefined) and `port`. */
export function graphqlUrl(host: string | undefined, port: number): string {
  const shown = host === undefined || host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}/graphql`;
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
