import { createSourceEventStream, type DocumentNode, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';

type Result = ExecutionResult | Promise<ExecutionResult>;

/** Results of one stream payload by operation; gone with the payload. */
const resultsByPayload = new WeakMap<object, Map<string, Result>>();
const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 0;

/** Same parsed document (yoga caches parses by text), same variables and operation: the same result. */
function operationKey(args: ExecutionArgs): string {
  let id = documentIds.get(args.document);
  if (id === undefined) {
    id = nextDocumentId++;
    documentIds.set(args.document, id);
  }
  return `${id}:${args.operationName ?? ''}:${JSON.stringify(args.variableValues ?? {})}`;
}

function resultFor(args: ExecutionArgs, key: string, payload: unknown): Result {
  if (typeof payload !== 'object' || payload === null) return execute({ ...args, rootValue: payload });
  let byOperation = resultsByPayload.get(payload);
  if (!byOperation) {
    byOperation = new Map();
    resultsByPayload.set(payload, byOperation);
  }
  let result = byOperation.get(key);
  if (!result) {
    result = execute({ ...args, rootValue: payload });
    byOperation.set(key, result);
  }
  return result;
}

/**
 * graphql-js's subscribe, but a payload handed to many listeners (the hub
 * gives every listener of an account the same event object) is executed once
 * per distinct operation, not once per listener. Listeners of the same
 * payload are of the same account, so they may share the result. `return`
 * reaches the source at once, freeing its listener even while it waits.
 */
async function sharedSubscribe(args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult, void, void> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source;
  const iterator = source[Symbol.asyncIterator]();
  const key = operationKey(args);
  const generator: AsyncGenerator<ExecutionResult, void, void> = {
    async next() {
      const item = await iterator.next();
      if (item.done) return { value: undefined, done: true };
      return { value: await resultFor(args, key, item.value), done: false };
    },
    async return() {
      await iterator.return?.();
      return { value: undefined, done: true };
    },
    async throw(error: unknown) {
      await iterator.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return generator;
    },
  };
  return generator;
}

export function useSharedStreamExecution(): Plugin {
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(sharedSubscribe);
    },
  };
}
