import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { acceptedTypes } from './accept.ts';

const EVENT_STREAM = new Set(['text/event-stream', 'text/*', '*/*']);

/** Whether an Accept header lets a subscription be answered as server-sent events, as graphql-yoga negotiates it. */
export function acceptsEventStream(accept: string | null | undefined): boolean {
  return acceptedTypes(accept).some(({ type, utf8 }) => EVENT_STREAM.has(type) && utf8);
}

/** Ends a subscription's stream: its listener is freed at once. */
export async function closeStream(stream: AsyncIterable<unknown>): Promise<void> {
  await stream[Symbol.asyncIterator]().return?.();
}

/**
 * A subscription asked for with an Accept that allows no stream is refused
 * (406), but its stream was opened all the same and nothing would ever read
 * or end it: its listener would count against the key's streams until the
 * instance stops. It is ended here, before the refusal is sent.
 */
export function useUnreadStreamClosing(): Plugin {
  return {
    async onResultProcess({ result, request }) {
      if (isAsyncIterable(result) && !acceptsEventStream(request.headers.get('accept'))) await closeStream(result);
    },
  };
}
