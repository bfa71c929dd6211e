import { execFile } from 'node:child_process';
import { access, constants, readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** Where Debian's and Ubuntu's postgresql-client packages put it, one directory per major version. */
const DEBIAN_DIR = '/usr/lib/postgresql';
/** The scripts keep query results with `\gset`, which pgbench has had since PostgreSQL 12. */
const MIN_MAJOR = 12;

export type PgbenchLookup = { binary: string; version: string } | { skipped: string };

async function executable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function onPath(): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter((entry) => entry !== '')) {
    const file = path.join(dir, 'pgbench');
    if (await executable(file)) return file;
  }
  return undefined;
}

/** The newest major version's pgbench under /usr/lib/postgresql/*\/bin. */
async function inDebianDir(): Promise<string | undefined> {
  const versions = await readdir(DEBIAN_DIR).catch(() => []);
  const newestFirst = versions.filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
  for (const version of newestFirst) {
    const file = path.join(DEBIAN_DIR, version, 'bin', 'pgbench');
    if (await executable(file)) return file;
  }
  return undefined;
}

/** pgbench on PATH, else in /usr/lib/postgresql/*\/bin; when there is none, why its baselines are skipped. */
export async function findPgbench(): Promise<PgbenchLookup> {
  const binary = (await onPath()) ?? (await inDebianDir());
  if (!binary) {
    return {
      skipped: `no pgbench on PATH or in ${DEBIAN_DIR}/*/bin (it comes with PostgreSQL's client tools, e.g. Debian's postgresql-client)`,
    };
  }
  try {
    const version = (await run(binary, ['--version'])).stdout.trim();
    const major = Number(/(\d+)(?:\.\d+)?/.exec(version)?.[1]);
    if (major < MIN_MAJOR) return { skipped: `${version} is too old: the scripts need pgbench ${MIN_MAJOR} or newer` };
    return { binary, version };
  } catch (error) {
    return { skipped: `${binary} --version failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
