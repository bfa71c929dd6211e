import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { EmbeddedPostgresError, findPostgresBinaries } from './embedded/binaries.ts';
import { type Runner, runProgram, startServer, stopServer } from './embedded/pg-ctl.ts';
import { canReach, serverAccount } from './embedded/server-account.ts';
import { reachableBinaries, reachableClusterDir } from './embedded/staging.ts';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** The cluster's home; created and initialised when missing. */
  dir: string;
  database: string;
  /** Trade durability for speed: for throw-away test clusters only. */
  ephemeral?: boolean;
  /** A fixed port, e.g. to come back where clients expect it; a free one by default. */
  port?: number;
  log?: (line: string) => void;
}

interface Credentials {
  password: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

async function loadCredentials(file: string): Promise<Credentials> {
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as Credentials;
  const credentials = { password: randomBytes(18).toString('base64url') };
  await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

/** Where a server is listening, read from its `postmaster.pid`. */
interface Listening {
  port: number;
  socketDir: string | undefined;
}

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

/**
 * A server left running by a process that died without stopping it. A pid
 * file left by a server that is gone (the machine restarted) names no
 * listening port, and pg_ctl clears it on the next start.
 */
async function runningServer(clusterDir: string): Promise<Listening | undefined> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [, , , portLine, socketLine] = (await readFile(pidFile, 'utf8')).split('\n');
  const port = Number(portLine);
  if (!Number.isInteger(port) || !(await acceptsConnections(port))) return undefined;
  const socketDir = socketLine ? socketLine : undefined;
  return { port, socketDir: socketDir && existsSync(path.join(socketDir, `.s.PGSQL.${port}`)) ? socketDir : undefined };
}

// A socket's path must fit in sockaddr_un (108 bytes on Linux, 104 on macOS).
const MAX_SOCKET_PATH = 100;

/**
 * Where the server's Unix socket goes: beside its data, when the path is short
 * enough. Local clients reach it there at a fraction of the CPU that loopback
 * TCP costs per round trip; TCP on 127.0.0.1 stays open for other tools.
 */
function socketDirFor(clusterDir: string, port: number): string | undefined {
  if (process.platform === 'win32') return undefined;
  return path.join(clusterDir, `.s.PGSQL.${port}`).length <= MAX_SOCKET_PATH ? clusterDir : undefined;
}

function urlFor(password: string, database: string, { port, socketDir }: Listening): string {
  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return socketDir ? `${url}?host=${encodeURIComponent(socketDir)}` : url;
}

const SETTINGS_FILE = 'taskgate.conf';

function quoted(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * This start's settings, in a file the cluster's configuration includes, so
 * no value passes through a shell command line.
 */
async function writeSettings(clusterDir: string, listening: Listening, ephemeral: boolean, runner: Runner): Promise<void> {
  const settings = {
    port: String(listening.port),
    listen_addresses: quoted('127.0.0.1'),
    unix_socket_directories: quoted(listening.socketDir ?? ''),
    max_connections: '300',
    ...(ephemeral ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } : {}),
  };
  const file = path.join(clusterDir, SETTINGS_FILE);
  await writeFile(file, `${Object.entries(settings).map(([name, value]) => `${name} = ${value}`).join('\n')}\n`, { mode: 0o644 });
  if (runner.account) await chown(file, runner.account.uid, runner.account.gid);
  const main = path.join(clusterDir, 'postgresql.conf');
  const include = `include_if_exists = '${SETTINGS_FILE}'`;
  if (!(await readFile(main, 'utf8')).includes(include)) await appendFile(main, `\n${include}\n`);
}

async function initialise(runner: Runner, clusterDir: string, password: string): Promise<void> {
  if (runner.account) {
    // Made here and given to the server's account, which may not write to the folder holding it.
    await mkdir(clusterDir, { recursive: true, mode: 0o700 });
    await chown(clusterDir, runner.account.uid, runner.account.gid);
  }
  const passwordFile = path.join(path.dirname(clusterDir), `.initdb-password-${process.pid}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (runner.account) await chown(passwordFile, runner.account.uid, runner.account.gid);
  try {
    await runProgram(runner, 'initdb', [
      `--pgdata=${clusterDir}`,
      '--username=postgres',
      `--pwfile=${passwordFile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
      '--no-instructions',
    ]);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

async function createDatabase(url: string, database: string): Promise<void> {
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
}

/** The folders and programs of a cluster, with the account to run them as. */
async function prepare(options: EmbeddedOptions, log: (line: string) => void): Promise<{ runner: Runner; clusterDir: string }> {
  const found = await findPostgresBinaries();
  const account = await serverAccount(log);
  if (!account) return { runner: { binaries: found, account }, clusterDir: path.join(options.dir, 'cluster') };
  const binaries = await reachableBinaries(found, account, log);
  const clusterDir = await reachableClusterDir(path.join(options.dir, 'cluster'), account, log);
  if (!(await canReach(account, path.dirname(clusterDir)))) {
    throw new EmbeddedPostgresError(`the ${account.name} account cannot reach ${clusterDir}; move the data dir or set DATABASE_URL`);
  }
  return { runner: { binaries, account }, clusterDir };
}

/**
 * A real PostgreSQL shipped as an npm package, so a machine with only Node can
 * run taskgate. Data survives restarts under `dir`. A server left running by
 * a process that died is used again; one this call started is stopped by
 * `stop`.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => undefined);
  await mkdir(options.dir, { recursive: true });
  const { password } = await loadCredentials(path.join(options.dir, 'credentials.json'));
  const { runner, clusterDir } = await prepare(options, log);

  const running = await runningServer(clusterDir);
  if (running !== undefined) return { url: urlFor(password, options.database, running), stop: () => Promise.resolve() };

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) await initialise(runner, clusterDir, password);
  const port = options.port ?? (await freePort());
  const listening = { port, socketDir: socketDirFor(clusterDir, port) };
  await writeSettings(clusterDir, listening, options.ephemeral ?? false, runner);
  await startServer(runner, clusterDir, path.join(clusterDir, 'postgres.log'));
  const url = urlFor(password, options.database, listening);
  const stop = (): Promise<void> => stopServer(runner, clusterDir);
  try {
    await createDatabase(url, options.database);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
