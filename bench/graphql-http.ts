import http from 'node:http';

export interface GraphQLReply<T> {
  status: number;
  data?: T;
  errors?: { message: string }[];
}

/**
 * GraphQL over plain node:http with kept-alive connections, one per concurrent
 * caller: cheaper for the load generator than fetch, which shares its cores
 * with the gateway under test.
 */
export class GraphQLHttpClient {
  private readonly agent: http.Agent;
  private readonly target: URL;

  constructor(
    url: string,
    private readonly apiKey: string,
    connections: number,
  ) {
    this.target = new URL(url);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  }

  request<T>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLReply<T>> {
    const body = JSON.stringify({ query, variables });
    return new Promise((resolve, reject) => {
      const req = http.request(
        this.target,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            accept: 'application/graphql-response+json',
            'content-length': Buffer.byteLength(body),
            authorization: `Bearer ${this.apiKey}`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            try {
              const parsed = JSON.parse(Buffer.concat(chunks).toString()) as Omit<GraphQLReply<T>, 'status'>;
              resolve({ status: res.statusCode ?? 0, ...parsed });
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
