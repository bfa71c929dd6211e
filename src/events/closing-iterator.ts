import type { EventStream } from './event-stream.ts';

/**
 * A stream's iterator: `next` as given, each item handed out once `pace`
 * allows, and `return` (a client leaving) that closes `stream` at once, even
 * while `next` waits, so its listener is freed. A `next` that fails (the log
 * unreadable) closes it too: transports drop a failed iterator without
 * calling `return`.
 */
export function closingIterator<T, U>(
  stream: EventStream<U>,
  next: () => Promise<IteratorResult<T>>,
  pace: () => Promise<void> | undefined = () => undefined,
): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      try {
        const result = await next();
        if (!result.done) await pace();
        return result;
      } catch (error) {
        stream.close();
        throw error;
      }
    },
    return() {
      stream.close();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
