-- AlterTable
ALTER TABLE "fanout_tasks" ADD COLUMN     "deliveries_by_gateway" JSONB NOT NULL DEFAULT '{}';
