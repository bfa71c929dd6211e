import { spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type BenchServer, startChildServer } from '../child-server.ts';

/** Its own package, so neither PostGraphile nor the Node 22 it needs is a dependency of taskgate. */
const FOLDER = fileURLToPath(new URL('./postgraphile/', import.meta.url));
const NODE = `${FOLDER}node_modules/.bin/node`;

function installed(): Promise<boolean> {
  return access(NODE).then(
    () => true,
    () => false,
  );
}

/** `npm ci` in the baseline's folder, from its lockfile; rejects with npm's output when it fails. */
function install(): Promise<void> {
  return new Promise((resolve, reject) => {
    const npm = spawn('npm', ['ci', '--no-audit', '--no-fund'], { cwd: FOLDER, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.once('error', reject);
    npm.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`npm ci exited ${String(code)}: ${output.slice(-2_000)}`));
    });
  });
}

/**
 * PostGraphile 5 (amber preset) in a process of its own on the Node 22 its
 * package brings, installed on first use; skipped, with the reason, when it
 * cannot be installed (no registry).
 */
export async function startPostgraphile(databaseUrl: string, poolSize: number, log: (line: string) => void): Promise<{ server: BenchServer; node: string } | { skipped: string }> {
  if (!(await installed())) {
    log('PostGraphile baseline: installing PostGraphile 5 and Node 22 into bench/baselines/postgraphile (once)');
    try {
      await install();
    } catch (error) {
      return { skipped: error instanceof Error ? error.message : String(error) };
    }
  }
  const server = await startChildServer({
    name: 'PostGraphile baseline',
    node: NODE,
    args: [`${FOLDER}server.mjs`],
    env: { ...process.env, DATABASE_URL: databaseUrl, BENCH_POOL_SIZE: String(poolSize), GRAPHILE_ENV: 'production' },
  });
  return { server, node: NODE };
}
