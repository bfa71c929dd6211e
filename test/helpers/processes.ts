import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { environmentWith, REPOSITORY } from './commands.ts';

export interface RunningProcess {
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with the first stdout match of `pattern`, or rejects after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code once it has exited. */
  exited(): Promise<number | null>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** The compiled entry points, as `npm start`, `npm run worker` and `npm run admin` run them. */
export type Entry = 'main' | 'worker/main' | 'cli/admin';

/** Where an entry's compiled JavaScript is (`npm test` builds it first). */
export function entryPath(entry: Entry): string {
  return fileURLToPath(new URL(`../../dist/${entry}.js`, import.meta.url));
}

export interface ProcessOptions {
  cwd?: string;
  /** In a process group of its own, as a terminal runs a command, so the whole group can be signalled. */
  detached?: boolean;
  /** Run as another user (the test runs as root). */
  uid?: number;
  gid?: number;
}

/** A command run in the background, its output collected; JSON log lines are the gateway's default off a terminal. */
export function runProcess(
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
  options: ProcessOptions = {},
): RunningProcess {
  const child = spawn(command, args, {
    cwd: options.cwd ?? REPOSITORY,
    env: environmentWith({ TASKGATE_LOG_FORMAT: 'json', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid }),
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve(code ?? (signal ? -1 : null));
    });
  });
  return {
    child,
    output: () => text,
    waitFor: (pattern, ms = 30_000) =>
      new Promise((resolve, reject) => {
        const deadline = setTimeout(() => {
          reject(new Error(`no ${String(pattern)} within ${ms} ms; output:\n${text}`));
        }, ms);
        const check = (): void => {
          const match = pattern.exec(text);
          if (!match) return;
          clearTimeout(deadline);
          child.stdout.off('data', check);
          resolve(match);
        };
        child.stdout.on('data', check);
        check();
      }),
    exited: () => exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** An entry run as its npm script runs it, with plain node on the compiled JavaScript, as one process so signals reach it. */
export function runScript(entry: Entry, args: string[], env: Record<string, string>): RunningProcess {
  return runProcess(process.execPath, ['--enable-source-maps', entryPath(entry), ...args], env);
}

/** Whether a process runs: a zombie, exited but not yet collected by its parent, does not. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // The state follows the command name, which is in parentheses and may hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/** The JSON log lines a gateway printed, parsed; other lines are left out. */
export function logLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
