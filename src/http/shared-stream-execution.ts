import { createSourceEventStream, type DocumentNode, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { PreparedWrite, WritableThrough } from '../events/event-stream.ts';
import { framesOf, type NextFrames, type SharedJson } from './next-frames.ts';

type Result = ExecutionResult | Promise<ExecutionResult>;

/** One payload's result for one operation: once settled, the result itself, and its JSON once a listener needed it. */
interface Shared {
  result: Result;
  settled?: ExecutionResult;
  serialized?: SharedJson;
}

/** Results of one stream payload by operation; gone with the payload. */
const sharedByPayload = new WeakMap<object, Map<string, Shared>>();
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

function sharedFor(args: ExecutionArgs, key: string, payload: object): Shared {
  let byOperation = sharedByPayload.get(payload);
  if (!byOperation) {
    byOperation = new Map();
    sharedByPayload.set(payload, byOperation);
  }
  let shared = byOperation.get(key);
  if (!shared) {
    const result = execute({ ...args, rootValue: payload });
    const made: Shared = { result };
    if (result instanceof Promise) {
      result.then(
        (settled) => {
          made.settled = settled;
        },
        () => undefined,
      );
    } else made.settled = result;
    shared = made;
    byOperation.set(key, shared);
  }
  return shared;
}

function resultFor(args: ExecutionArgs, key: string, payload: unknown): Result {
  if (typeof payload !== 'object' || payload === null) return execute({ ...args, rootValue: payload });
  return sharedFor(args, key, payload).result;
}

function isWritableThrough(source: object): source is WritableThrough<object> {
  return 'writeThrough' in source && typeof source.writeThrough === 'function';
}

/** The frame of a settled result, serialized once for every listener of the operation; nothing for one with errors, which the transport masks on its usual way. */
function frameOf(shared: Shared, settled: ExecutionResult, frames: NextFrames): (() => void) | undefined {
  if (settled.errors) return undefined;
  return frames.prepare((shared.serialized ??= { json: JSON.stringify(settled) }));
}

/** Lets the source's live payloads go to the transport's own frames, each result serialized once for all listeners of its operation. */
function writeThroughFrames(args: ExecutionArgs, key: string, source: WritableThrough<object>, frames: NextFrames): void {
  source.writeThrough((payload): PreparedWrite => {
    const shared = sharedFor(args, key, payload);
    if (shared.settled) return frameOf(shared, shared.settled, frames);
    return Promise.resolve(shared.result).then((settled) => frameOf(shared, settled, frames));
  });
}

/**
 * graphql-js's subscribe, but a payload handed to many listeners (the hub
 * gives every listener of an account the same event object) is executed once
 * per distinct operation, not once per listener, and where the transport
 * writes frames itself, serialized once too. Listeners of the same payload
 * are of the same account, so they may share the result. `return` reaches
 * the source at once, freeing its listener even while it waits.
 */
async function sharedSubscribe(args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult, void, void> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source;
  const iterator = source[Symbol.asyncIterator]();
  const key = operationKey(args);
  const frames = framesOf(args.rootValue);
  if (frames && isWritableThrough(iterator)) writeThroughFrames(args, key, iterator, frames);
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
