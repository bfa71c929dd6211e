import { type BenchServer, startChildServer } from '../child-server.ts';

/** The bare graphql-yoga baseline of `task(id)`, with a `pg` pool of `poolSize` connections like the gateway's. */
export function startBareYoga(databaseUrl: string, poolSize: number, node?: string): Promise<BenchServer> {
  return startChildServer({
    name: 'bare graphql-yoga baseline',
    node,
    args: ['--import', 'tsx', 'bench/baselines/bare-yoga-server.ts'],
    env: { ...process.env, DATABASE_URL: databaseUrl, BENCH_POOL_SIZE: String(poolSize) },
  });
}
