/** A failure worth retrying: the gateway could not be reached or answered 5xx/429. */
export class TransportError extends Error {
  override name = 'TransportError';
}

export interface GatewayClient {
  /** `signal` ends the request early: a long-poll claim given up when the worker stops. */
  request<T>(query: string, variables: Record<string, unknown>, signal?: AbortSignal): Promise<T>;
}

interface GraphQLBody<T> {
  data?: T | null;
  errors?: { message: string }[];
}

/** GraphQL over HTTP with a bearer key; anything but a usable answer throws. */
export function gatewayClient(url: string, key: string, timeoutMs = 15_000): GatewayClient {
  return {
    async request<T>(query: string, variables: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/graphql-response+json, application/json',
            authorization: `Bearer ${key}`,
          },
          body: JSON.stringify({ query, variables }),
          signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new TransportError(error instanceof Error ? error.message : String(error));
      }
      if (response.status >= 500 || response.status === 429) {
        throw new TransportError(`gateway answered ${response.status}`);
      }
      const body = (await response.json()) as GraphQLBody<T>;
      if (!body.data) throw new Error(body.errors?.map((error) => error.message).join('; ') ?? `HTTP ${response.status}`);
      return body.data;
    },
  };
}

/** The wait after `failures` failures in a row: doubling from 250 ms, at most 10 s. */
export function backoffMs(failures: number): number {
  return Math.min(10_000, 250 * 2 ** failures);
}

/** Calls `attempt` until it succeeds, waiting longer after each transport failure; gives up only when aborted. */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  signal: AbortSignal,
  onRetry: (error: TransportError, delayMs: number) => void,
): Promise<T> {
  for (let failures = 0; ; failures++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof TransportError) || signal.aborted) throw error;
      const delayMs = backoffMs(failures) * (0.5 + Math.random() / 2);
      onRetry(error, delayMs);
      await sleep(delayMs, signal);
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
