import { comparisonRow, errorNotes } from '../comparison-table.ts';
import { type AbsoluteGoal, absoluteGoal, againstPgbench } from '../goals.ts';
import type { Measured } from '../measured.ts';
import { PER_CORE } from '../per-core.ts';
import { type BaselineOutcome, PGBENCH_THREADS } from './pgbench-baseline.ts';

/** A gateway run and its pgbench baseline with the same SQL, run one right after the other. */
export interface Paired {
  label: string;
  gateway: Measured;
  baseline: BaselineOutcome;
}

export function pairedRows({ gateway, baseline }: Paired): string[][] {
  if ('skipped' in baseline) return [comparisonRow(gateway, 'alone')];
  return [comparisonRow(gateway, { baseline: baseline.measured }), comparisonRow(baseline.measured, 'baseline')];
}

function reaches(run: Measured, goal: AbsoluteGoal): boolean {
  return run.perSecond >= goal.perSecond && run.latency.p99 < goal.p99Ms;
}

export function pairedNotes({ label, gateway, baseline }: Paired, goal?: AbsoluteGoal): string[] {
  const notes = goal ? [absoluteGoal(label, gateway, goal)] : [];
  if ('skipped' in baseline) return [...notes, `${label}: no pgbench baseline, ${baseline.skipped}.`, ...errorNotes(gateway)];
  const pgbench = baseline.measured;
  // When the SQL alone cannot reach the goal on this machine, no gateway could: worth saying next to the verdict.
  const outOfReach = goal && !reaches(pgbench, goal) ? ' pgbench itself did not reach the goal on this machine.' : '';
  return [...notes, againstPgbench(label, gateway, pgbench) + outOfReach, ...errorNotes(gateway), ...errorNotes(pgbench)];
}

/** A gateway of one process per core, run after a pair, against that pair's pgbench baseline: its row and its notes. */
export function perCoreComparison(label: string, run: Measured, baseline: BaselineOutcome): { rows: string[][]; notes: string[] } {
  const perCore = { ...run, runBy: PER_CORE };
  if ('skipped' in baseline) return { rows: [comparisonRow(perCore, 'alone')], notes: errorNotes(run) };
  return {
    rows: [comparisonRow(perCore, { baseline: baseline.measured })],
    notes: [`${againstPgbench(`${label}, ${PER_CORE}`, run, baseline.measured)} pgbench runs on ${PGBENCH_THREADS} threads.`, ...errorNotes(run)],
  };
}
