import { execFile } from 'node:child_process';
import path from 'node:path';
import { EmbeddedPostgresError, program, type PostgresBinaries } from './binaries.ts';
import type { ServerAccount } from './server-account.ts';

/** How one PostgreSQL program is run: as this process's user, or as the server's account. */
export interface Runner {
  binaries: PostgresBinaries;
  account: ServerAccount | undefined;
}

const START_TIMEOUT_SECONDS = 60;

/** Runs one of the programs to its end; fails with what it printed. */
export function runProgram(runner: Runner, name: 'initdb' | 'pg_ctl', args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      program(runner.binaries, name),
      args,
      {
        ...(runner.account ? { uid: runner.account.uid, gid: runner.account.gid } : {}),
        // PostgreSQL's messages in English, whatever the machine's language, so logs read alike everywhere.
        env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
        // The account's home, not root's: programs run as it may look there.
        cwd: path.dirname(runner.binaries.root),
      },
      (error, stdout, stderr) => {
        if (error) reject(new EmbeddedPostgresError(`${name} failed: ${(stderr || stdout || error.message).trim()}`));
        else resolve(stdout);
      },
    );
  });
}

/**
 * Starts the server with pg_ctl, which detaches it into a session of its
 * own: a Ctrl-C meant for the gateway's terminal never reaches it, and the
 * gateway stops it last, once nothing needs it. Resolves once it accepts
 * connections.
 */
export async function startServer(runner: Runner, clusterDir: string, logFile: string): Promise<void> {
  await runProgram(runner, 'pg_ctl', ['start', '-D', clusterDir, '-l', logFile, '-w', '-t', String(START_TIMEOUT_SECONDS), '-s']);
}

/** Fast shutdown: sessions are ended, the server exits cleanly; resolves once it has. */
export async function stopServer(runner: Runner, clusterDir: string): Promise<void> {
  await runProgram(runner, 'pg_ctl', ['stop', '-D', clusterDir, '-m', 'fast', '-w', '-s']);
}
