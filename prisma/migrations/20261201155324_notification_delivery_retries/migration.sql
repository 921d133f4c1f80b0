-- AlterTable
ALTER TABLE "notification_deliveries" ADD COLUMN     "next_attempt_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "notification_deliveries_channel_next_attempt_at_idx" ON "notification_deliveries"("channel", "next_attempt_at");
