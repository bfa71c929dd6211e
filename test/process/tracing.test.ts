import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/database.ts';
import { givenAccount } from '../helpers/factories.ts';
import { type GatewayProcess, startGatewayProcess } from '../helpers/gateway-process.ts';
import { listen } from '../../src/http/server.ts';
import { waitUntil } from '../helpers/wait.ts';

interface OtlpSpan {
  name: string;
  traceId: string;
  attributes?: { key: string; value: Record<string, unknown> }[];
}

interface OtlpExport {
  resourceSpans: { resource?: { attributes?: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
}

const database = useTestDatabase();
const exports: OtlpExport[] = [];
let collector: Server;
let collectorUrl = '';

/** An OTLP/HTTP collector, as small as one can be: it keeps what it is sent. */
beforeAll(async () => {
  collector = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.url === '/v1/traces') exports.push(JSON.parse(body) as OtlpExport);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  collectorUrl = `http://127.0.0.1:${await listen(collector, 0, '127.0.0.1')}`;
});

afterAll(async () => {
  await new Promise((resolve) => collector.close(resolve));
});

const spans = (): OtlpSpan[] => exports.flatMap((sent) => sent.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans)));

describe('tracing', () => {
  it('with an OTLP endpoint set, each operation is traced: the HTTP request, the GraphQL operation and its SQL, in one trace', async () => {
    const gateway: GatewayProcess = await startGatewayProcess(database.url, {
      OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_SERVICE_NAME: 'taskgate-under-test',
    });
    try {
      const { apiKey } = await givenAccount(100);
      const answer = await gateway.gql('mutation Submit { submitTask(input: { model: "upscale" }) { __typename } }', {}, apiKey);
      expect(answer.data).toEqual({ submitTask: { __typename: 'Task' } });
      await waitUntil(() => spans().some((span) => span.name === 'mutation.Submit'), 10_000);
      const operation = spans().find((span) => span.name === 'mutation.Submit');
      await waitUntil(() => spans().filter((span) => span.traceId === operation?.traceId).length >= 4, 10_000);
      const sameTrace = spans().filter((span) => span.traceId === operation?.traceId).map((span) => span.name);
      expect(sameTrace).toEqual(expect.arrayContaining(['POST', 'mutation.Submit', 'Mutation.submitTask']));
      expect(sameTrace.some((name) => name.startsWith('pg.query:submit_task'))).toBe(true);
      // SQL of background jobs, outside any request, makes no traces of its own.
      expect(spans().filter((span) => span.name.startsWith('pg.query:lock_expired_leases'))).toEqual([]);
      const service = exports[0]?.resourceSpans[0]?.resource?.attributes?.find((attribute) => attribute.key === 'service.name');
      expect(service?.value.stringValue).toBe('taskgate-under-test');
    } finally {
      expect(await gateway.process.stop()).toBe(0);
    }
  });

  it('is off without an endpoint: nothing is sent', async () => {
    const before = exports.length;
    const gateway = await startGatewayProcess(database.url);
    await gateway.gql('{ models { name } }');
    await gateway.process.stop();
    expect(exports.length).toBe(before);
  });
});
