import { register } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { useOpenTelemetry } from '@envelop/opentelemetry';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';

export interface Tracing {
  /** The GraphQL server's part: a span per operation and per resolver, for its executor, which graphql-js's instrumentation cannot see. */
  plugin: Plugin;
  /** Sends the spans still buffered; called before the process exits. */
  stop(): Promise<void>;
}

/**
 * OpenTelemetry tracing, on when an OTLP endpoint is configured: a span for
 * each HTTP request, each GraphQL operation and its resolvers, and each SQL
 * statement, from the ecosystem's own instrumentations (envelop's for
 * GraphQL), sent over OTLP/HTTP.
 * The standard OTEL_* variables (service name, headers, sampler) apply.
 * Must run before the traced modules are first imported.
 */
export function startTracing(tracing: NonNullable<Config['tracing']>, logger: Logger): Tracing {
  // The hook that lets instrumentations patch modules loaded by `import`, not only by `require`.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': tracing.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => request.url === '/health' || request.url === '/metrics' }),
      // SQL inside a traced request only: a background sweep every 250 ms would make traces of one statement each.
      new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
    ],
  });
  logger.info({ endpoint: tracing.endpoint }, 'tracing: sending spans over OTLP/HTTP');
  // Variables and results stay out of spans: they hold clients' inputs and outputs.
  const plugin = useOpenTelemetry({ resolvers: true, defaultResolvers: false, variables: false, result: false, document: false }, provider) as Plugin;
  return { plugin, stop: () => provider.shutdown() };
}
