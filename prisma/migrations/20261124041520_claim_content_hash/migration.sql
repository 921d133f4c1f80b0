-- AlterTable
ALTER TABLE "message_claims" ADD COLUMN     "content_hash" VARCHAR(64) NOT NULL DEFAULT '';

-- CreateIndex
CREATE INDEX "message_claims_conversation_id_seq_idx" ON "message_claims"("conversation_id", "seq");

-- CreateIndex
CREATE INDEX "message_claims_conversation_id_message_id_idx" ON "message_claims"("conversation_id", "message_id");
