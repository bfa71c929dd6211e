-- AlterTable
ALTER TABLE "TaskEvent" ADD COLUMN     "version" INTEGER;
