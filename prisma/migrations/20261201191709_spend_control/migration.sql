-- CreateEnum
CREATE TYPE "CancelActorKind" AS ENUM ('API_KEY', 'BUDGET', 'BULK_JOB', 'DEADLINE');

-- CreateEnum
CREATE TYPE "BudgetScope" AS ENUM ('ACCOUNT', 'API_KEY', 'TAG');

-- CreateEnum
CREATE TYPE "BudgetPeriod" AS ENUM ('DAY', 'MONTH', 'TOTAL');

-- CreateEnum
CREATE TYPE "BudgetAction" AS ENUM ('REFUSE_SUBMITS', 'CANCEL_PENDING', 'CANCEL_IN_FLIGHT');

-- CreateEnum
CREATE TYPE "BulkCancelState" AS ENUM ('RUNNING', 'DONE');

-- AlterEnum
ALTER TYPE "TaskEventType" ADD VALUE 'BUDGET_THRESHOLD';

-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "budgetVersion" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "apiKeyId" UUID,
ADD COLUMN     "cancelActorId" TEXT,
ADD COLUMN     "cancelActorKind" "CancelActorKind",
ADD COLUMN     "cancelReason" TEXT,
ADD COLUMN     "metadata" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "TaskEvent" ADD COLUMN     "detail" JSONB;

-- CreateTable
CREATE TABLE "Budget" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "accountId" UUID NOT NULL,
    "name" TEXT,
    "scope" "BudgetScope" NOT NULL,
    "apiKeyId" UUID,
    "tag" TEXT,
    "period" "BudgetPeriod" NOT NULL,
    "limit" INTEGER NOT NULL,
    "thresholds" DOUBLE PRECISION[],
    "action" "BudgetAction" NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Budget_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BudgetSpend" (
    "budgetId" UUID NOT NULL,
    "periodStart" TIMESTAMPTZ(3) NOT NULL,
    "spent" INTEGER NOT NULL DEFAULT 0,
    "trippedAt" TIMESTAMPTZ(3),

    CONSTRAINT "BudgetSpend_pkey" PRIMARY KEY ("budgetId","periodStart")
);

-- CreateTable
CREATE TABLE "BulkCancel" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "accountId" UUID NOT NULL,
    "apiKeyId" UUID,
    "clientKey" TEXT NOT NULL,
    "filter" JSONB NOT NULL,
    "reason" TEXT,
    "state" "BulkCancelState" NOT NULL DEFAULT 'RUNNING',
    "matched" INTEGER NOT NULL DEFAULT 0,
    "cancelled" INTEGER NOT NULL DEFAULT 0,
    "refunded" INTEGER NOT NULL DEFAULT 0,
    "skipped" JSONB NOT NULL DEFAULT '{}',
    "afterCreatedAt" TIMESTAMPTZ(3),
    "afterId" UUID,
    "asOf" TIMESTAMPTZ(3) NOT NULL,
    "leaseOwner" UUID,
    "leaseExpiresAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "BulkCancel_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Budget_accountId_idx" ON "Budget"("accountId");

-- CreateIndex
CREATE INDEX "BudgetSpend_trippedAt_idx" ON "BudgetSpend"("trippedAt");

-- CreateIndex
CREATE INDEX "BulkCancel_state_leaseExpiresAt_idx" ON "BulkCancel"("state", "leaseExpiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "BulkCancel_accountId_clientKey_key" ON "BulkCancel"("accountId", "clientKey");

-- CreateIndex
CREATE INDEX "Task_tags_idx" ON "Task" USING GIN ("tags");

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Budget" ADD CONSTRAINT "Budget_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Budget" ADD CONSTRAINT "Budget_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BudgetSpend" ADD CONSTRAINT "BudgetSpend_budgetId_fkey" FOREIGN KEY ("budgetId") REFERENCES "Budget"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BulkCancel" ADD CONSTRAINT "BulkCancel_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- Rules Prisma's schema cannot express.
ALTER TABLE "Budget" ADD CONSTRAINT "Budget_limit_positive" CHECK ("limit" > 0);
ALTER TABLE "Budget" ADD CONSTRAINT "Budget_scope_target" CHECK (
  ("scope" = 'API_KEY') = ("apiKeyId" IS NOT NULL) AND ("scope" = 'TAG') = ("tag" IS NOT NULL)
);
ALTER TABLE "BulkCancel" ADD CONSTRAINT "BulkCancel_counts_nonnegative" CHECK ("matched" >= 0 AND "cancelled" >= 0 AND "refunded" >= 0);

-- Where a budget's current period starts: the UTC day or month of `at`, or the budget's own start for TOTAL.
CREATE FUNCTION taskgate_budget_period_start(period "BudgetPeriod", created timestamptz, at timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE period
    WHEN 'DAY' THEN date_trunc('day', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
    WHEN 'MONTH' THEN date_trunc('month', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
    ELSE date_trunc('milliseconds', created)
  END
$$;

-- A hold may not take a budget's spend past its limit, nor add to the spend of a tripped period. The
-- row is locked by the write and read as last committed, so racing submits are refused exactly:
-- whichever commits second sees the first's spend. Refunds, which lower spend, always pass.
CREATE FUNCTION taskgate_budget_spend_within_limit() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  budget_limit integer;
BEGIN
  -- A budget's opening spend is what the ledger already holds for its period, whatever it is.
  IF current_setting('taskgate.opening_budget', true) = 'on' THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.spent <= OLD.spent THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' AND NEW.spent <= 0 THEN
    RETURN NEW;
  END IF;
  SELECT "limit" INTO budget_limit FROM "Budget" WHERE id = NEW."budgetId";
  IF NEW.spent > budget_limit OR NEW."trippedAt" IS NOT NULL THEN
    RAISE EXCEPTION 'budget exceeded' USING ERRCODE = 'check_violation', CONSTRAINT = 'BudgetSpend_within_limit', DETAIL = NEW."budgetId"::text;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "BudgetSpend_within_limit" BEFORE INSERT OR UPDATE ON "BudgetSpend"
FOR EACH ROW EXECUTE FUNCTION taskgate_budget_spend_within_limit();

-- A statement moving credits read the account's budgets in its snapshot and locked the account's row
-- as last committed: when the two disagree on the budget version, a budget was made or removed in
-- between and the statement's spends are not all counted. It fails as a serialization failure, to be
-- retried with a fresh snapshot.
CREATE FUNCTION taskgate_budgets_unchanged(latest integer, seen integer) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  IF latest IS DISTINCT FROM seen THEN
    RAISE EXCEPTION 'the account''s budgets changed during the statement' USING ERRCODE = 'serialization_failure';
  END IF;
  RETURN true;
END
$$;
