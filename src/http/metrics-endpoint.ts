import type { ServerResponse } from 'node:http';
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
