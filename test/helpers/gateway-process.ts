import { type GraphQLResponse, postGraphQL } from './graphql-http.ts';
import { runScript, type RunningProcess } from './processes.ts';

export interface GatewayProcess {
  /** http://localhost:PORT/graphql, as the process printed it. */
  readonly url: string;
  readonly process: RunningProcess;
  /** One GraphQL operation over real HTTP, as `key`'s bearer when given. */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, key?: string): Promise<GraphQLResponse<T>>;
}

/** `npm start` on `databaseUrl`, without demo credentials; resolves once it listens. */
export async function startGatewayProcess(databaseUrl: string, env: Record<string, string> = {}): Promise<GatewayProcess> {
  const running = runScript('main', [], { DATABASE_URL: databaseUrl, PORT: '0', TASKGATE_DEMO: '0', ...env });
  let url: string;
  try {
    const [, printed] = await running.waitFor(/"url":"([^"]+)"/);
    url = printed ?? '';
  } catch (error) {
    await running.stop();
    throw error;
  }
  return {
    url,
    process: running,
    gql: (query, variables, key) => postGraphQL(url, query, variables, key),
  };
}
