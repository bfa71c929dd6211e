import { parseArgs } from 'node:util';
import type { BenchSettings } from './scenario.ts';

export const USAGE = `npm run bench [-- options]

  --only NAME[,NAME]     run only these scenarios: streams, submit, cancel, cycle, scheduling, task, hostile,
                         webhooks
                         (each throughput scenario runs with its baseline: task beside a bare
                         graphql-yoga server, submit, cancel and cycle beside pgbench)
  --listeners N[,N]      listener counts of the streams scenario (default 1000,10000)
  --events K             changes pushed to the listeners (default 20)
  --spacing-ms MS        time between those changes (default 200)
  --per-socket M         subscriptions per WebSocket (default 1, more only when file descriptors run short)
  --duration-s S         how long each throughput scenario runs (default 10)
  --cpu-prof DIR         the gateways write V8 CPU profiles into DIR when they stop
  --out FILE             where the report goes (default docs/benchmarks.md for a full run;
                         with --only, standard output only unless --out is given)
  --help`;

export interface BenchArgs {
  only: string[] | undefined;
  out: string | undefined;
  settings: BenchSettings;
  help: boolean;
}

function positiveInteger(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer, got "${raw}"`);
  return value;
}

function list(raw: string[] | undefined): string[] | undefined {
  return raw?.flatMap((item) => item.split(',')).map((item) => item.trim()).filter((item) => item !== '');
}

export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string', multiple: true },
      listeners: { type: 'string' },
      events: { type: 'string' },
      'spacing-ms': { type: 'string' },
      'per-socket': { type: 'string' },
      'duration-s': { type: 'string' },
      'cpu-prof': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const listeners = (list(values.listeners === undefined ? undefined : [values.listeners]) ?? ['1000', '10000']).map((raw) =>
    positiveInteger(raw, 'listeners', 0),
  );
  const only = list(values.only);
  return {
    only,
    out: values.out ?? (only ? undefined : 'docs/benchmarks.md'),
    help: values.help,
    settings: {
      listeners,
      events: positiveInteger(values.events, 'events', 20),
      spacingMs: positiveInteger(values['spacing-ms'], 'spacing-ms', 200),
      perSocket: values['per-socket'] === undefined ? undefined : positiveInteger(values['per-socket'], 'per-socket', 1),
      durationMs: positiveInteger(values['duration-s'], 'duration-s', 10) * 1000,
      cpuProfileDir: values['cpu-prof'],
    },
  };
}
