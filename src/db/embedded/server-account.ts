import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { EmbeddedPostgresError } from './binaries.ts';

const run = promisify(execFile);

/** The operating-system account PostgreSQL runs as, when it cannot run as this process's own. */
export interface ServerAccount {
  name: string;
  uid: number;
  gid: number;
  groups: ReadonlySet<number>;
}

const ACCOUNT = 'postgres';

async function idOf(flag: '-u' | '-g' | '-G'): Promise<number[]> {
  const { stdout } = await run('id', [flag, ACCOUNT]);
  return stdout.trim().split(/\s+/).map(Number);
}

async function lookUp(): Promise<ServerAccount> {
  const [[uid], [gid], groups] = await Promise.all([idOf('-u'), idOf('-g'), idOf('-G')]);
  if (uid === undefined || gid === undefined) throw new EmbeddedPostgresError(`no id for the ${ACCOUNT} account`);
  return { name: ACCOUNT, uid, gid, groups: new Set(groups) };
}

/**
 * PostgreSQL refuses to run as root, so a root process runs it as the
 * `postgres` account, created (as a system account without a home) when the
 * machine has none. Anyone else runs it as themselves: undefined.
 */
export async function serverAccount(log: (line: string) => void): Promise<ServerAccount | undefined> {
  if (process.platform === 'win32' || process.getuid?.() !== 0) return undefined;
  try {
    return await lookUp();
  } catch {
    log(`embedded PostgreSQL: creating the system account "${ACCOUNT}" to run it as (PostgreSQL refuses to run as root)`);
  }
  try {
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', ACCOUNT]);
    return await lookUp();
  } catch (error) {
    throw new EmbeddedPostgresError(
      `running as root, the embedded PostgreSQL needs an account "${ACCOUNT}" to run as, and creating it failed ` +
        `(${error instanceof Error ? error.message.split('\n')[0] : String(error)}); create it, run as another user, or set DATABASE_URL`,
    );
  }
}

/** Whether `account` may search (walk through) every folder from the root down to `dir`, `dir` included. */
export async function canReach(account: ServerAccount, dir: string): Promise<boolean> {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const info = await stat(current).catch(() => undefined);
    if (info) {
      const bits =
        info.uid === account.uid ? (info.mode >> 6) & 1 : account.groups.has(info.gid) ? (info.mode >> 3) & 1 : info.mode & 1;
      if (bits === 0) return false;
    }
    if (path.dirname(current) === current) return true;
  }
}
