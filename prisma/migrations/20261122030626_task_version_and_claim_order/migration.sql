-- DropIndex
DROP INDEX "Task_state_modelName_createdAt_idx";

-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "Task_state_modelName_createdAt_id_idx" ON "Task"("state", "modelName", "createdAt", "id");
