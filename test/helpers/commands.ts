import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Both, interleaved as they came. */
  output: string;
}

/** The environment a command gets: this one, with `changes` applied (undefined unsets a variable). */
export function environmentWith(changes: Record<string, string | undefined>): NodeJS.ProcessEnv {
  // Plain text, whatever the test runner's own terminal supports, so output can be matched.
  const merged: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...changes };
  return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
}

/** Runs a command to its end, as a user would type it in `cwd`. */
export function runCommand(
  command: string,
  args: string[],
  changes: Record<string, string | undefined> = {},
  cwd = REPOSITORY,
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: environmentWith(changes), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => {
      resolve({ code, stdout, stderr, output });
    });
  });
}

/** `npm …args` in the repository. */
export function npmRun(args: string[], changes: Record<string, string | undefined> = {}): Promise<Finished> {
  return runCommand('npm', args, changes);
}
