import { backoffMs, sleep } from './gateway-client.ts';

const CANCELLED_TASKS = 'subscription { cancelledTasks { task { id } cancellation { reason actor { kind } } } }';

/** What the worker's stream of its tasks' cancels gives it: one signal per task in hand, aborted when it is cancelled. */
export interface Cancellations {
  /** A signal aborted when `taskId` is cancelled; `release` once the work on it is over. */
  watch(taskId: string): { signal: AbortSignal; release(): void };
}

interface CancelledTask {
  cancelledTasks?: { task: { id: string }; cancellation: { reason: string | null; actor: { kind: string } | null } | null };
}

/** The `data:` payloads of a text/event-stream body, as they arrive. */
async function* eventData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = '';
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    buffer += decoder.decode(read.value, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = frame
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (data) yield data;
    }
  }
}

/**
 * Keeps an SSE subscription to the gateway's `cancelledTasks` open while the
 * worker runs, reconnecting after a drop, so a cancel (by the client, a
 * budget, a bulk cancel, a deadline) stops the work in hand at once instead
 * of at its next progress report.
 */
export function listenForCancellations(url: string, key: string, stopping: AbortSignal, log: (line: string) => void): Cancellations {
  const watched = new Map<string, AbortController>();
  const stopped = (): boolean => stopping.aborted;
  void (async () => {
    for (let failures = 0; !stopped(); ) {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${key}` },
          body: JSON.stringify({ query: CANCELLED_TASKS }),
          signal: stopping,
        });
        if (!response.ok || !response.body) throw new Error(`cancellations: HTTP ${response.status}`);
        failures = 0;
        for await (const data of eventData(response.body)) {
          const payload = JSON.parse(data) as { data?: CancelledTask };
          const cancelled = payload.data?.cancelledTasks;
          if (!cancelled) continue;
          const controller = watched.get(cancelled.task.id);
          if (controller) {
            log(`${cancelled.task.id}: cancelled by ${cancelled.cancellation?.actor?.kind ?? 'its client'}${cancelled.cancellation?.reason ? ` (${cancelled.cancellation.reason})` : ''}; stopping its work`);
            controller.abort();
          }
        }
      } catch (error) {
        if (stopped()) return;
        failures += 1;
        log(`cancellations: ${error instanceof Error ? error.message : String(error)}; listening again shortly`);
      }
      await sleep(backoffMs(failures), stopping);
    }
  })();
  return {
    watch(taskId) {
      const controller = new AbortController();
      watched.set(taskId, controller);
      return {
        signal: controller.signal,
        release: () => {
          watched.delete(taskId);
        },
      };
    },
  };
}
