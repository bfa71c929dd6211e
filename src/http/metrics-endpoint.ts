import { createServer, type ServerResponse } from 'node:http';
import { closableServer } from './closable-server.ts';
import { listen, serveEndpoint } from './server.ts';
import type { MetricsSource } from '../observability/cluster-metrics.ts';

/** The source's metrics in Prometheus's text format. */
export async function serveMetrics(res: ServerResponse, source: MetricsSource): Promise<void> {
  try {
    const text = await source.metrics();
    res.writeHead(200, { 'content-type': source.contentType, 'cache-control': 'no-store' });
    res.end(text);
  } catch {
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('metrics could not be collected\n');
  }
}

export interface MetricsServer {
  port: number;
  close(graceMs: number): Promise<void>;
}

/** `/metrics` on a port of its own (`TASKGATE_METRICS_PORT`), and nothing else: 404 for any other path. */
export async function listenForMetrics(source: MetricsSource, port: number, host: string | undefined): Promise<MetricsServer> {
  const endpoints = { '/metrics': (res: ServerResponse) => serveMetrics(res, source) };
  const server = createServer((req, res) => {
    if (!serveEndpoint(endpoints, req, res)) {
      res.writeHead(404);
      res.end();
    }
  });
  const close = closableServer(server);
  return { port: await listen(server, port, host), close };
}
