-- DropIndex
DROP INDEX "Task_state_modelName_createdAt_id_idx";

-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "runningTasks" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Model" ADD COLUMN     "maxAttempts" INTEGER NOT NULL DEFAULT 3,
ADD COLUMN     "retryBaseSeconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "retryFactor" DOUBLE PRECISION NOT NULL DEFAULT 2,
ADD COLUMN     "retryJitter" DOUBLE PRECISION NOT NULL DEFAULT 0.2,
ADD COLUMN     "retryMaxSeconds" DOUBLE PRECISION NOT NULL DEFAULT 300;

-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "availableAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "maxRunSeconds" INTEGER,
ADD COLUMN     "priority" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "rank" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "runDeadline" TIMESTAMPTZ(3),
ADD COLUMN     "startDeadline" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "AccountModelClock" (
    "accountId" UUID NOT NULL,
    "modelName" TEXT NOT NULL,
    "lastRank" BIGINT NOT NULL,

    CONSTRAINT "AccountModelClock_pkey" PRIMARY KEY ("accountId","modelName")
);

-- CreateIndex
CREATE INDEX "Task_state_modelName_rank_id_idx" ON "Task"("state", "modelName", "rank", "id");

-- CreateIndex
CREATE INDEX "Task_state_startDeadline_idx" ON "Task"("state", "startDeadline");

-- CreateIndex
CREATE INDEX "Task_state_runDeadline_idx" ON "Task"("state", "runDeadline");

-- Tasks already queued keep their order: oldest first.
UPDATE "Task" SET "rank" = (extract(epoch FROM "createdAt") * 1000000)::bigint;
UPDATE "Account" a SET "runningTasks" = (SELECT count(*) FROM "Task" t WHERE t."accountId" = a.id AND t.state = 'RUNNING');

-- Rules Prisma's schema cannot express.
ALTER TABLE "Account" ADD CONSTRAINT "Account_runningTasks_nonnegative" CHECK ("runningTasks" >= 0);
ALTER TABLE "Task" ADD CONSTRAINT "Task_priority_range" CHECK ("priority" BETWEEN -100 AND 100);
ALTER TABLE "Task" ADD CONSTRAINT "Task_maxRunSeconds_positive" CHECK ("maxRunSeconds" IS NULL OR "maxRunSeconds" > 0);
ALTER TABLE "Model" ADD CONSTRAINT "Model_retry_policy" CHECK (
  "maxAttempts" >= 1 AND "retryBaseSeconds" >= 0 AND "retryFactor" >= 1 AND "retryMaxSeconds" >= "retryBaseSeconds" AND "retryJitter" BETWEEN 0 AND 1
);
