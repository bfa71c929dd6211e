import { BASELINES_INTRO } from './baselines-text.ts';
import type { Machine } from './machine.ts';
import type { ScenarioReport } from './scenario.ts';
import { WARM_UP_MS } from './warm-up.ts';

export interface ReportInput {
  startedAt: Date;
  command: string;
  machine: Machine;
  database: string;
  poolSize: number;
  /** The baselines the gateway was measured beside, or why one was skipped. */
  baselines: string;
  scenarios: ScenarioReport[];
  /** Why the figures are what they are, beyond this run's own notes. */
  limitsIntro: string;
  limits: string[];
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function section(report: ScenarioReport): string {
  const notes = report.notes.map((note) => `- ${note}`).join('\n');
  return [`## ${report.heading}`, report.intro, table(report.header, report.rows), notes].filter((part) => part !== '').join('\n\n');
}

export function renderReport(input: ReportInput): string {
  const { machine } = input;
  const facts = table(
    ['', ''],
    [
      ['date', input.startedAt.toISOString()],
      ['command', `\`${input.command}\``],
      ['machine', `${machine.cpus} CPUs (${machine.cpuModel}), ${(machine.memoryBytes / 2 ** 30).toFixed(1)} GiB memory, ${machine.kernel}`],
      ['Node', machine.node],
      ['PostgreSQL', `${machine.postgres}: ${input.database}; ${machine.postgresSettings}`],
      ['gateway', `one process per scenario (\`node dist/main.js\`, as \`npm start\` runs it), ${input.poolSize} pooled database connections, each process warmed for ${WARM_UP_MS / 1000} s with submits, reads and cancels of an account of its own before it is measured (the streams scenario's with events its listeners hear)`],
      ['baselines', input.baselines],
    ],
  );
  return [
    '# Benchmarks',
    'Written by `npm run bench` (`bench/run.ts`); running it again rewrites this file. `npm run bench -- --help` lists the options.',
    facts,
    '**One machine runs everything**: the load generator (the benchmark process), the gateway and PostgreSQL share its CPUs over loopback, so every figure below is a lower bound of what the gateway does with cores of its own. The CPU columns say how much each side took. Repeated runs on the same machine differed by up to about half (cancel throughput, latency at 10,000 listeners): read the figures as magnitudes and ratios, not to the digit.',
    BASELINES_INTRO,
    ...input.scenarios.map(section),
    '## What limits these figures',
    input.limitsIntro,
    input.limits.map((limit) => `- ${limit}`).join('\n'),
    '',
  ].join('\n\n');
}
