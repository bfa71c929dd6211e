-- The sweeps' indexes hold only the tasks each sweep looks for. Indexes led by
-- "state" alone let the planner, with statistics that counted a queue empty,
-- find a queue's head by sorting every pending task it read through one of
-- them, in a plan a connection keeps.

-- DropIndex
DROP INDEX "Task_state_leaseExpiresAt_idx";

-- DropIndex
DROP INDEX "Task_state_runDeadline_idx";

-- DropIndex
DROP INDEX "Task_state_startDeadline_idx";

-- CreateIndex
CREATE INDEX "Task_startDeadline_idx" ON "Task"("startDeadline") WHERE (state = 'PENDING' AND "startDeadline" IS NOT NULL);

-- CreateIndex
CREATE INDEX "Task_runDeadline_idx" ON "Task"("runDeadline") WHERE (state = 'RUNNING');

-- CreateIndex
CREATE INDEX "Task_leaseExpiresAt_idx" ON "Task"("leaseExpiresAt") WHERE (state = 'RUNNING');
