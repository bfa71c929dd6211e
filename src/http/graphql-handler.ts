import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DocumentNode, ExecutionArgs, ExecutionResult, GraphQLError, GraphQLSchema } from 'graphql';
import type { OperationResult } from 'graphql-ws';
import type { GraphQLParams } from 'graphql-yoga';

/** Runs an operation the way the GraphQL server's plugins wrap it. */
export interface Enveloped {
  execute: (args: ExecutionArgs) => OperationResult;
  subscribe: (args: ExecutionArgs) => OperationResult;
}

/** The parts of the GraphQL server's enveloped pipeline an operation over WebSocket runs through. */
export interface EnvelopedPipeline extends Enveloped {
  schema: GraphQLSchema;
  contextFactory: () => unknown;
  parse: (source: string) => DocumentNode;
  validate: (schema: GraphQLSchema, document: DocumentNode) => readonly GraphQLError[];
}

/** An operation's result, its stream for a subscription, or nothing when a plugin ended the request early. */
export type OperationOutcome = ExecutionResult | AsyncIterable<ExecutionResult> | undefined;

/**
 * What the transports need of the GraphQL server (graphql-yoga's instance
 * has it): a Node request listener, a fetch handler, its pipeline for
 * operations that arrive another way, and the run of one request's
 * parameters through its checks and plugins.
 */
export interface GraphQLHandler {
  requestListener(req: IncomingMessage, res: ServerResponse): unknown;
  fetch(url: URL, init: { method: string; headers: Headers; body: Uint8Array }): Response | Promise<Response>;
  getEnveloped(initialContext: Record<string, unknown>): EnvelopedPipeline;
  getResultForParams(payload: { params: GraphQLParams; request: Request }, serverContext: Record<string, unknown>): OperationOutcome | Promise<OperationOutcome>;
}
