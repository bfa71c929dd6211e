import { type DocumentNode, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Context } from '../schema/context.ts';
import type { GatewayMetrics } from './metrics.ts';
import { outcomesOf } from './outcomes.ts';

interface OperationArgs {
  document: DocumentNode;
  operationName?: string | null;
  contextValue: unknown;
}

function isContext(value: unknown): value is Context {
  return typeof value === 'object' && value !== null && 'requestId' in value && 'caller' in value;
}

/** Who called, as logs may name them: an account or a worker id, never a key. */
function callerFields(context: Context): Record<string, string> {
  const { caller } = context;
  if (caller.kind === 'client') return { accountId: caller.accountId };
  if (caller.kind === 'worker') return { workerId: caller.workerId };
  return {};
}

/**
 * One log line and one set of metrics per operation: its request id, name,
 * type, how each root field ended, how long it took and who called. A
 * subscription is logged once it has started.
 */
export function useOperationLog(logger: Logger, metrics: GatewayMetrics): Plugin {
  const done = (args: OperationArgs, started: number): void => {
    if (!isContext(args.contextValue)) return;
    const seconds = (performance.now() - started) / 1000;
    const operation = getOperationAST(args.document, args.operationName);
    const type = operation?.operation ?? 'unknown';
    const fields = outcomesOf(args.contextValue);
    for (const { field, outcome } of fields) {
      metrics.operations.inc({ type, field, outcome });
      metrics.operationSeconds.observe({ type, field }, seconds);
    }
    logger.info(
      {
        requestId: args.contextValue.requestId,
        operation: operation?.name?.value,
        type,
        fields,
        ms: Math.round(seconds * 10_000) / 10,
        ...callerFields(args.contextValue),
      },
      'operation',
    );
  };
  return {
    onExecute({ args }) {
      const started = performance.now();
      return {
        onExecuteDone() {
          done(args, started);
        },
      };
    },
    onSubscribe({ args }) {
      const started = performance.now();
      return {
        onSubscribeResult() {
          done(args, started);
        },
        onSubscribeError() {
          done(args, started);
        },
      };
    },
  };
}
