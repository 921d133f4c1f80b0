-- CreateTable
CREATE TABLE "message_claims" (
    "sender_id" VARCHAR(64) NOT NULL,
    "client_msg_id" VARCHAR(64) NOT NULL,
    "conversation_id" VARCHAR(64) NOT NULL,
    "seq" BIGINT NOT NULL,
    "message_id" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "message_claims_pkey" PRIMARY KEY ("sender_id","client_msg_id")
);

-- CreateTable
CREATE TABLE "user_presence" (
    "user_id" VARCHAR(64) NOT NULL,
    "gateway_id" VARCHAR(64) NOT NULL,
    "sockets" INTEGER NOT NULL DEFAULT 1,
    "since" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_presence_pkey" PRIMARY KEY ("user_id","gateway_id")
);

-- CreateTable
CREATE TABLE "gateway_instances" (
    "id" VARCHAR(64) NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "last_beat_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "gateway_instances_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "message_claims_created_at_idx" ON "message_claims"("created_at");

-- CreateIndex
CREATE INDEX "user_presence_gateway_id_idx" ON "user_presence"("gateway_id");

-- CreateIndex
CREATE INDEX "gateway_instances_last_beat_at_idx" ON "gateway_instances"("last_beat_at");

-- AddForeignKey
ALTER TABLE "user_presence" ADD CONSTRAINT "user_presence_gateway_id_fkey" FOREIGN KEY ("gateway_id") REFERENCES "gateway_instances"("id") ON DELETE CASCADE ON UPDATE CASCADE;
