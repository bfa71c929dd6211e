import { encodeGlobalID } from '@pothos/plugin-relay';
import type { JsonValue } from '../domain/json.ts';
import type { CancelActorKind } from '../generated/prisma/enums.ts';

/** Who cancelled: the kind, and the global id of the key, budget or bulk cancel. */
export interface CancelActorView {
  kind: CancelActorKind;
  id: string | null;
}

export interface Cancellation {
  actor: CancelActorView | null;
  reason: string | null;
}

export interface BudgetThreshold {
  budgetId: string;
  threshold: number;
  spent: number;
  limit: number;
  periodStart: Date;
}

const ACTOR_TYPES: Record<CancelActorKind, string | null> = { API_KEY: 'ApiKey', BUDGET: 'Budget', BULK_JOB: 'BulkCancel', DEADLINE: null };
const ACTOR_KINDS = new Set<string>(Object.keys(ACTOR_TYPES));

function isActorKind(kind: unknown): kind is CancelActorKind {
  return typeof kind === 'string' && ACTOR_KINDS.has(kind);
}

function objectOf(value: JsonValue | null | undefined): { [key: string]: JsonValue | undefined } | undefined {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

export function cancelActorView(kind: CancelActorKind | null, id: string | null): CancelActorView | null {
  if (kind === null) return null;
  const type = ACTOR_TYPES[kind];
  return { kind, id: type === null || id === null ? null : encodeGlobalID(type, id) };
}

/** The cancel's actor and reason, as a CANCELLED event's detail keeps them. */
export function cancellationOf(detail: JsonValue | null): Cancellation | null {
  const fields = objectOf(detail);
  const actor = objectOf(fields?.actor);
  if (!fields || !actor || !isActorKind(actor.kind)) return null;
  return { actor: cancelActorView(actor.kind, typeof actor.id === 'string' ? actor.id : null), reason: typeof fields.reason === 'string' ? fields.reason : null };
}

/** The crossing, as the hold's statement wrote it into a BUDGET_THRESHOLD event's detail. */
export function thresholdOf(detail: JsonValue | null): BudgetThreshold | null {
  const fields = objectOf(detail);
  if (!fields) return null;
  const { budgetId, threshold, spent, limit, periodStart } = fields;
  if (typeof budgetId !== 'string' || typeof threshold !== 'number' || typeof spent !== 'number' || typeof limit !== 'number' || typeof periodStart !== 'string') {
    return null;
  }
  return { budgetId, threshold, spent, limit, periodStart: new Date(periodStart) };
}

/** The worker that held a task when it was cancelled, as its CANCELLED event names it. */
export function leaseOwnerOf(detail: JsonValue | null): string | null {
  const owner = objectOf(detail)?.leaseOwner;
  return typeof owner === 'string' ? owner : null;
}
