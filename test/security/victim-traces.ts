import { expect } from 'vitest';
import { type Victim, VICTIM_BALANCE_FLOOR } from './tenants.ts';

/** Long canaries (ids, uuids, secrets) are unique enough to find inside other text; short ones must match whole. */
const FINDABLE_INSIDE = 20;

/**
 * Where `value` (a response, or anything received) holds something of the
 * victim: one of its canaries, or a number as large as its balance. Each
 * trace is the JSON path and what was found.
 */
export function victimTraces(value: unknown, victim: Victim, path = '$'): string[] {
  if (typeof value === 'string') {
    const found = victim.canaries.find((canary) => value === canary || (canary.length >= FINDABLE_INSIDE && value.includes(canary)));
    return found === undefined ? [] : [`${path}: ${found}`];
  }
  if (typeof value === 'number') return value >= VICTIM_BALANCE_FLOOR ? [`${path}: ${value}`] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => victimTraces(item, victim, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => victimTraces(item, victim, `${path}.${key}`));
  }
  return [];
}

export function expectNothingOf(victim: Victim, value: unknown): void {
  expect(victimTraces(value, victim), JSON.stringify(value).slice(0, 2_000)).toEqual([]);
}
