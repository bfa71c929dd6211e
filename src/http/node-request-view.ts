import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * What graphql-yoga's pipeline and the context read of a request (its
 * method, URL, headers and abort signal), as a view of node:http's own
 * objects: no copy of the headers, no body stream, and an AbortSignal only
 * when something asks for one.
 */
export class NodeRequestView {
  readonly method: string;
  readonly url: string;
  readonly headers: Pick<Headers, 'get'>;
  private controller: AbortController | undefined;

  constructor(
    req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    this.method = req.method ?? 'GET';
    this.url = `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`;
    this.headers = {
      get(name: string): string | null {
        const value = req.headers[name.toLowerCase()];
        return Array.isArray(value) ? value.join(', ') : (value ?? null);
      },
    };
  }

  /** Aborts when the client goes away before its answer is written. */
  get signal(): AbortSignal {
    if (!this.controller) {
      const controller = new AbortController();
      this.controller = controller;
      const abandoned = (): void => {
        if (!this.res.writableFinished) controller.abort();
      };
      if (this.res.closed) abandoned();
      else this.res.once('close', abandoned);
    }
    return this.controller.signal;
  }

  /** The view where a fetch Request is expected: yoga's pipeline reads only the members above. */
  asRequest(): Request {
    return this as unknown as Request;
  }
}
