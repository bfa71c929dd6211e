import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, cp, lstat, mkdir, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EmbeddedPostgresError, type PostgresBinaries } from './binaries.ts';
import { canReach, type ServerAccount } from './server-account.ts';

/**
 * Where a root process keeps what the server's account must reach but cannot
 * where it is (a clone in root's own 0700 home, say): a copy of the programs
 * and the cluster itself. The permissions of the user's folders are never
 * changed. Only root may write there, so nobody can plant programs that root
 * would then start.
 */
const STAGE_ROOTS = ['/var/lib/taskgate', path.join(tmpdir(), 'taskgate-root')];
const COMPLETE = '.complete';

async function ownedByRootOnly(dir: string): Promise<boolean> {
  const info = await stat(dir);
  return info.isDirectory() && info.uid === 0 && (info.mode & 0o022) === 0;
}

async function stageRoot(account: ServerAccount): Promise<string> {
  for (const candidate of STAGE_ROOTS) {
    try {
      await mkdir(candidate, { recursive: true, mode: 0o755 });
      await chmod(candidate, 0o755);
      if ((await ownedByRootOnly(candidate)) && (await canReach(account, candidate))) return candidate;
    } catch {
      // Not writable here (a read-only /var, say): the next candidate.
    }
  }
  throw new EmbeddedPostgresError(`no folder the ${account.name} account can reach to stage PostgreSQL in (tried ${STAGE_ROOTS.join(', ')})`);
}

/** The programs where `account` can run them: where they are when it can reach them, else a copy made once. */
export async function reachableBinaries(
  binaries: PostgresBinaries,
  account: ServerAccount,
  log: (line: string) => void,
): Promise<PostgresBinaries> {
  if (await canReach(account, binaries.root)) return binaries;
  const staged = path.join(await stageRoot(account), binaries.release);
  if (existsSync(path.join(staged, COMPLETE)) && (await ownedByRootOnly(staged))) return { ...binaries, root: staged };
  log(`embedded PostgreSQL: the ${account.name} account cannot reach ${binaries.root}; copying the programs to ${staged}`);
  const partial = `${staged}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await cp(binaries.root, partial, { recursive: true, verbatimSymlinks: true });
  await chmod(partial, 0o755);
  await writeFile(path.join(partial, COMPLETE), '');
  await rm(staged, { recursive: true, force: true });
  // A rename is atomic: a concurrent start sees the whole copy or none.
  await rename(partial, staged);
  return { ...binaries, root: staged };
}

/**
 * The cluster folder `account` can reach: `wanted` itself when it can reach
 * the folder holding it, else one staged for it, with `wanted` made a
 * symbolic link to it so the data is still found from the data dir.
 */
export async function reachableClusterDir(wanted: string, account: ServerAccount, log: (line: string) => void): Promise<string> {
  const link = await lstat(wanted).catch(() => undefined);
  if (link?.isSymbolicLink()) return path.resolve(path.dirname(wanted), await readlink(wanted));
  if (link || (await canReach(account, path.dirname(wanted)))) return wanted;
  const id = createHash('sha256').update(path.resolve(wanted)).digest('hex').slice(0, 16);
  const home = path.join(await stageRoot(account), 'clusters', id);
  await mkdir(home, { recursive: true, mode: 0o755 });
  await chmod(home, 0o755);
  await chown(home, account.uid, account.gid);
  const staged = path.join(home, 'cluster');
  log(`embedded PostgreSQL: the ${account.name} account cannot reach ${path.dirname(wanted)}; its cluster is ${staged} (linked from ${wanted})`);
  await symlink(staged, wanted, 'dir');
  return staged;
}
