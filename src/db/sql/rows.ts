import type { LedgerEntry, Task, TaskEvent, WebhookAttempt, WebhookEndpoint } from '../../generated/prisma/client.ts';
import type {
  CancelActorKind,
  LedgerEntryKind,
  PendingCancelPolicy,
  Runner,
  TaskEventType,
  TaskState,
  WebhookDisabledReason,
  WebhookOutcome,
} from '../../generated/prisma/enums.ts';
import type { JsonValue } from '@prisma/client/runtime/client';

/** A "Task" row as the statements here return it (`RETURNING *`, `SELECT t.*`). */
export interface TaskRow {
  id: string;
  accountId: string;
  outTaskId: string | null;
  modelName: string;
  runner: Runner;
  state: TaskState;
  progress: number;
  input: JsonValue;
  output: JsonValue | null;
  error: string | null;
  attempts: number;
  price: number;
  creditsUsed: number | null;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  leaseSeconds: number | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  cancelledAt: Date | null;
  updatedAt: Date;
  version: number;
  apiKeyId: string | null;
  metadata: JsonValue;
  tags: string[];
  cancelActorKind: CancelActorKind | null;
  cancelActorId: string | null;
  cancelReason: string | null;
  priority: number;
  /** Only ever compared inside the database (the driver hands int8 over as text). */
  rank: bigint;
  availableAt: Date;
  startDeadline: Date | null;
  maxRunSeconds: number | null;
  runDeadline: Date | null;
}

/** A task as read to decide on: its row, its model's policy, and the database's clock at the read. */
export interface TaskSnapshot extends TaskRow {
  pendingCancel: PendingCancelPolicy;
  refundCutoff: number;
  pendingCancelRetrySeconds: number;
  maxAttempts: number;
  retryBaseSeconds: number;
  retryFactor: number;
  retryMaxSeconds: number;
  retryJitter: number;
  /** The one clock every instance shares. */
  now: Date;
}

export interface LedgerEntryRow {
  id: bigint;
  accountId: string;
  taskId: string | null;
  kind: LedgerEntryKind;
  amount: number;
  balanceAfter: number;
  createdAt: Date;
}

export interface TaskEventRow {
  id: bigint;
  taskId: string;
  accountId: string;
  type: TaskEventType;
  state: TaskState;
  progress: number;
  /** The task's version after the change; null for events logged before versions were. */
  version: number | null;
  txid: bigint;
  at: Date;
  detail: JsonValue | null;
}

export interface WebhookEndpointRow {
  id: string;
  accountId: string;
  url: string;
  description: string | null;
  eventTypes: TaskEventType[];
  models: string[];
  enabled: boolean;
  disabledReason: WebhookDisabledReason | null;
  disabledAt: Date | null;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  positionTxid: bigint;
  positionId: bigint;
  headAttempts: number;
  failingSince: Date | null;
  nextAttemptAt: Date;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookAttemptRow {
  id: bigint;
  endpointId: string;
  messageId: string;
  type: string;
  attempt: number;
  outcome: WebhookOutcome;
  status: number | null;
  latencyMs: number;
  error: string | null;
  responseBody: string | null;
  nextAttemptAt: Date | null;
  at: Date;
}

// The rows here and Prisma's model types describe the same tables: a column added to one and not
// the other fails to compile here, as the resolvers take either.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
export type RowsMatchModels = [
  Holds<Same<TaskRow, Task>>,
  Holds<Same<LedgerEntryRow, LedgerEntry>>,
  Holds<Same<TaskEventRow, TaskEvent>>,
  Holds<Same<WebhookEndpointRow, WebhookEndpoint>>,
  Holds<Same<WebhookAttemptRow, WebhookAttempt>>,
];
