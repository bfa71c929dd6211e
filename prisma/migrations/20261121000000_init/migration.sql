-- CreateEnum
CREATE TYPE "Runner" AS ENUM ('CLOUD', 'SELF_HOSTED', 'LOCAL', 'GITHUB_ACTIONS');

-- CreateEnum
CREATE TYPE "TaskState" AS ENUM ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "PendingCancelPolicy" AS ENUM ('FREE', 'CONFLICT');

-- CreateEnum
CREATE TYPE "LedgerEntryKind" AS ENUM ('GRANT', 'HOLD', 'REFUND');

-- CreateEnum
CREATE TYPE "TaskEventType" AS ENUM ('SUBMITTED', 'CLAIMED', 'PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED', 'REQUEUED');

-- CreateTable
CREATE TABLE "Account" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "balance" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "accountId" UUID NOT NULL,
    "hash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Worker" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Worker_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WorkerKey" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "workerId" UUID NOT NULL,
    "hash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "WorkerKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Model" (
    "name" TEXT NOT NULL,
    "price" INTEGER NOT NULL,
    "pendingCancel" "PendingCancelPolicy" NOT NULL,
    "refundCutoff" DOUBLE PRECISION NOT NULL,
    "pendingCancelRetrySeconds" INTEGER NOT NULL DEFAULT 5,

    CONSTRAINT "Model_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "Task" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "accountId" UUID NOT NULL,
    "outTaskId" TEXT,
    "modelName" TEXT NOT NULL,
    "runner" "Runner" NOT NULL DEFAULT 'CLOUD',
    "state" "TaskState" NOT NULL DEFAULT 'PENDING',
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "input" JSONB NOT NULL,
    "output" JSONB,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "price" INTEGER NOT NULL,
    "creditsUsed" INTEGER,
    "leaseOwner" UUID,
    "leaseExpiresAt" TIMESTAMPTZ(3),
    "leaseSeconds" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "cancelledAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LedgerEntry" (
    "id" BIGSERIAL NOT NULL,
    "accountId" UUID NOT NULL,
    "taskId" UUID,
    "kind" "LedgerEntryKind" NOT NULL,
    "amount" INTEGER NOT NULL,
    "balanceAfter" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LedgerEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TaskEvent" (
    "id" BIGSERIAL NOT NULL,
    "taskId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "type" "TaskEventType" NOT NULL,
    "state" "TaskState" NOT NULL,
    "progress" DOUBLE PRECISION NOT NULL,
    "txid" BIGINT NOT NULL DEFAULT ((pg_current_xact_id())::text)::bigint,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TaskEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ApiKey_accountId_idx" ON "ApiKey"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

-- CreateIndex
CREATE INDEX "WorkerKey_workerId_idx" ON "WorkerKey"("workerId");

-- CreateIndex
CREATE UNIQUE INDEX "WorkerKey_hash_key" ON "WorkerKey"("hash");

-- CreateIndex
CREATE INDEX "Task_accountId_createdAt_id_idx" ON "Task"("accountId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Task_state_modelName_createdAt_idx" ON "Task"("state", "modelName", "createdAt");

-- CreateIndex
CREATE INDEX "Task_state_leaseExpiresAt_idx" ON "Task"("state", "leaseExpiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Task_accountId_outTaskId_key" ON "Task"("accountId", "outTaskId");

-- CreateIndex
CREATE INDEX "LedgerEntry_accountId_id_idx" ON "LedgerEntry"("accountId", "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "LedgerEntry_taskId_kind_key" ON "LedgerEntry"("taskId", "kind");

-- CreateIndex
CREATE INDEX "TaskEvent_txid_id_idx" ON "TaskEvent"("txid", "id");

-- CreateIndex
CREATE INDEX "TaskEvent_accountId_txid_id_idx" ON "TaskEvent"("accountId", "txid", "id");

-- CreateIndex
CREATE INDEX "TaskEvent_taskId_id_idx" ON "TaskEvent"("taskId", "id");

-- CreateIndex
CREATE INDEX "TaskEvent_at_idx" ON "TaskEvent"("at");

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WorkerKey" ADD CONSTRAINT "WorkerKey_workerId_fkey" FOREIGN KEY ("workerId") REFERENCES "Worker"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_modelName_fkey" FOREIGN KEY ("modelName") REFERENCES "Model"("name") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LedgerEntry" ADD CONSTRAINT "LedgerEntry_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LedgerEntry" ADD CONSTRAINT "LedgerEntry_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TaskEvent" ADD CONSTRAINT "TaskEvent_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TaskEvent" ADD CONSTRAINT "TaskEvent_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Rules Prisma's schema cannot express.
ALTER TABLE "Account" ADD CONSTRAINT "Account_balance_nonnegative" CHECK ("balance" >= 0);
ALTER TABLE "Model" ADD CONSTRAINT "Model_price_nonnegative" CHECK ("price" >= 0);
ALTER TABLE "Model" ADD CONSTRAINT "Model_refundCutoff_fraction" CHECK ("refundCutoff" BETWEEN 0 AND 1);
ALTER TABLE "Model" ADD CONSTRAINT "Model_pendingCancelRetrySeconds_positive" CHECK ("pendingCancelRetrySeconds" > 0);
ALTER TABLE "Task" ADD CONSTRAINT "Task_progress_fraction" CHECK ("progress" BETWEEN 0 AND 1);
ALTER TABLE "Task" ADD CONSTRAINT "Task_attempts_nonnegative" CHECK ("attempts" >= 0);
ALTER TABLE "Task" ADD CONSTRAINT "Task_lease_only_while_running" CHECK (
    ("state" = 'RUNNING') = ("leaseOwner" IS NOT NULL AND "leaseExpiresAt" IS NOT NULL AND "leaseSeconds" IS NOT NULL)
);
ALTER TABLE "LedgerEntry" ADD CONSTRAINT "LedgerEntry_amount_sign" CHECK (
    ("kind" = 'HOLD' AND "amount" < 0) OR ("kind" IN ('GRANT', 'REFUND') AND "amount" > 0)
);
ALTER TABLE "LedgerEntry" ADD CONSTRAINT "LedgerEntry_balanceAfter_nonnegative" CHECK ("balanceAfter" >= 0);
ALTER TABLE "LedgerEntry" ADD CONSTRAINT "LedgerEntry_task_entries_have_task" CHECK (("kind" = 'GRANT') = ("taskId" IS NULL));

-- The seeded catalog.
INSERT INTO "Model" ("name", "price", "pendingCancel", "refundCutoff") VALUES
    ('image-fast', 4, 'FREE', 0.9),
    ('video-hd', 120, 'FREE', 0.5),
    ('upscale', 2, 'FREE', 0),
    ('agent-run', 25, 'CONFLICT', 0.25);
