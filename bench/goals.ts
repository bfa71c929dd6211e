import { percent } from './comparison-table.ts';
import type { Measured } from './measured.ts';
import { ms } from './percentiles.ts';

function count(value: number): string {
  return Math.round(value).toLocaleString('en');
}

/**
 * Whether `run` reached `minRatio` of the baseline's throughput, and by how
 * much it missed or cleared it; `what` names the baseline after its rate
 * ("of bare graphql-yoga (…)").
 */
export function ratioGoal(label: string, run: Measured, baseline: { perSecond: number; what: string }, minRatio: number): string {
  const ratio = run.perSecond / baseline.perSecond;
  const needed = baseline.perSecond * minRatio;
  const points = Math.abs(ratio - minRatio) * 100;
  const verdict =
    ratio >= minRatio
      ? `meets the goal of ≥ ${percent(minRatio)} by ${points.toFixed(0)} points`
      : `misses the goal of ≥ ${percent(minRatio)} by ${points.toFixed(0)} points: it needs ${count(needed)} req/s, ${count(needed - run.perSecond)} more`;
  return `Goal, ${label}: ${count(run.perSecond)} req/s is ${percent(ratio)} of the ${count(baseline.perSecond)} req/s of ${baseline.what}; ${verdict}.`;
}

export interface AbsoluteGoal {
  perSecond: number;
  p99Ms: number;
}

/** Throughput and p99 against fixed goals, with the shortfall or the margin of each. */
export function absoluteGoal(label: string, run: Measured, goal: AbsoluteGoal): string {
  const rate =
    run.perSecond >= goal.perSecond
      ? `${count(run.perSecond)}/s meets ≥ ${count(goal.perSecond)}/s by ${count(run.perSecond - goal.perSecond)}/s`
      : `${count(run.perSecond)}/s misses ≥ ${count(goal.perSecond)}/s by ${count(goal.perSecond - run.perSecond)}/s (${(goal.perSecond / run.perSecond).toFixed(1)}× short)`;
  const { p99 } = run.latency;
  const latency =
    p99 < goal.p99Ms
      ? `p99 ${ms(p99)} meets < ${goal.p99Ms} ms by ${ms(goal.p99Ms - p99)}`
      : `p99 ${ms(p99)} misses < ${goal.p99Ms} ms by ${ms(p99 - goal.p99Ms)} (${(p99 / goal.p99Ms).toFixed(1)}×)`;
  return `Goal, ${label}: ${rate}; ${latency}.`;
}

/** The gateway's figures as a share of pgbench's with the same SQL: how much of the database's pace the gateway passes on. */
export function againstPgbench(label: string, run: Measured, pgbench: Measured): string {
  return (
    `${label}: pgbench with the same SQL managed ${count(pgbench.perSecond)}/s at p99 ${ms(pgbench.latency.p99)}; ` +
    `the gateway reached ${percent(run.perSecond / pgbench.perSecond)} of that rate, at ${(run.latency.p99 / pgbench.latency.p99).toFixed(1)}× its p99.`
  );
}
