import { encodeGlobalID } from '@pothos/plugin-relay';
import type { LoggedEvent } from '../db/sql/event-log.ts';
import type { TaskRow } from '../db/sql/rows.ts';
import type { WebhookMessageRow } from '../db/sql/webhook-deliveries.ts';
import type { JsonValue } from '../domain/json.ts';
import { encodeEventCursor } from '../events/cursor.ts';
import { type CancelActorView, cancelActorView, cancellationOf, thresholdOf } from '../events/event-detail.ts';
import { taskAsOfEvent } from '../events/task-as-of-event.ts';
import type { TaskEventType, WebhookMessageKind } from '../generated/prisma/enums.ts';

/** One message as sent: its `webhook-id`, the payload's `type`, and the body exactly as signed. */
export interface OutgoingMessage {
  id: string;
  type: string;
  body: string;
}

/** The payload's `type` of each task event, in the dotted form Standard Webhooks payloads use. */
export function eventTypeName(type: TaskEventType): string {
  return `task.${type.toLowerCase()}`;
}

const NOTICE_TYPES: Record<Exclude<WebhookMessageKind, 'REDELIVERY'>, string> = {
  EVENTS_LOST: 'webhook.events_lost',
  ENDPOINT_DISABLED: 'webhook.endpoint_disabled',
};

/**
 * The task as the `task` query returns it, but for `input`: the client sent
 * it, and it may be a mebibyte a receiver would be sent with every event.
 */
function taskJson(task: TaskRow): Record<string, JsonValue> {
  return {
    id: encodeGlobalID('Task', task.id),
    outTaskId: task.outTaskId,
    model: task.modelName,
    runner: task.runner,
    state: task.state,
    progress: task.progress,
    output: task.output,
    error: task.error,
    creditsUsed: task.creditsUsed,
    attempts: task.attempts,
    createdAt: task.createdAt.toISOString(),
    startedAt: task.startedAt?.toISOString() ?? null,
    finishedAt: task.finishedAt?.toISOString() ?? null,
    cancelledAt: task.cancelledAt?.toISOString() ?? null,
    updatedAt: task.updatedAt.toISOString(),
    metadata: task.metadata,
    tags: task.tags,
    cancelledBy: actorJson(cancelActorView(task.cancelActorKind, task.cancelActorId)),
    cancelReason: task.cancelReason,
  };
}

function actorJson(actor: CancelActorView | null): JsonValue {
  return actor && { kind: actor.kind, id: actor.id };
}

/** What the event says beyond the task, as the `taskEvents` stream shows it. */
function detailJson(event: LoggedEvent): Record<string, JsonValue> {
  const cancellation = event.type === 'CANCELLED' ? cancellationOf(event.detail) : null;
  if (cancellation) return { cancellation: { actor: actorJson(cancellation.actor), reason: cancellation.reason } };
  const crossing = event.type === 'BUDGET_THRESHOLD' ? thresholdOf(event.detail) : null;
  if (!crossing) return {};
  const { threshold, spent, limit } = crossing;
  return { budgetThreshold: { budgetId: encodeGlobalID('Budget', crossing.budgetId), threshold, spent, limit, periodStart: crossing.periodStart.toISOString() } };
}

/** A task event as a webhook: its cursor is its `webhook-id`, the same on every attempt and on a redelivery, so receivers deduplicate by it. */
export function eventMessage(event: LoggedEvent): OutgoingMessage {
  const cursor = encodeEventCursor(event);
  const type = eventTypeName(event.type);
  const data = { cursor, event: event.type, at: event.at.toISOString(), ...detailJson(event), task: taskJson(taskAsOfEvent(event.task, event)) };
  return { id: cursor, type, body: JSON.stringify({ type, timestamp: event.at.toISOString(), data }) };
}

/** A position as the retention job records it, [txid, id] in text, as the cursor clients know. */
function cursorOf(position: JsonValue | undefined): string | null {
  if (!Array.isArray(position) || typeof position[0] !== 'string' || typeof position[1] !== 'string') return null;
  return encodeEventCursor({ txid: BigInt(position[0]), id: BigInt(position[1]) });
}

function noticeData(message: WebhookMessageRow): JsonValue {
  const data = message.data;
  if (message.kind !== 'EVENTS_LOST' || data === null || typeof data !== 'object' || Array.isArray(data)) return data;
  return { count: data.count ?? 0, firstCursor: cursorOf(data.first), lastCursor: cursorOf(data.last) };
}

/** A notice about the endpoint itself (events lost, another endpoint disabled), identified by its queued row. */
export function noticeMessage(message: WebhookMessageRow & { kind: Exclude<WebhookMessageKind, 'REDELIVERY'> }): OutgoingMessage {
  const type = NOTICE_TYPES[message.kind];
  const timestamp = message.createdAt.toISOString();
  return { id: `msg_${message.id}`, type, body: JSON.stringify({ type, timestamp, data: noticeData(message) }) };
}
