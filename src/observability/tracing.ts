import { register } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';

export interface Tracing {
  /** Sends the spans still buffered; called before the process exits. */
  stop(): Promise<void>;
}

/**
 * OpenTelemetry tracing, on when an OTLP endpoint is configured: a span for
 * each HTTP request, each GraphQL operation and its resolvers, and each SQL
 * statement, from the ecosystem's own instrumentations, sent over OTLP/HTTP.
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
      // Trivial resolvers (a field read off its object) would be most of the spans and say nothing.
      new GraphQLInstrumentation({ ignoreTrivialResolveSpans: true, mergeItems: true }),
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
    ],
  });
  logger.info({ endpoint: tracing.endpoint }, 'tracing: sending spans over OTLP/HTTP');
  return { stop: () => provider.shutdown() };
}
