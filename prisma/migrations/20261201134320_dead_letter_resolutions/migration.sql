-- CreateTable
CREATE TABLE "dead_letter_resolutions" (
    "partition" INTEGER NOT NULL,
    "offset" BIGINT NOT NULL,
    "action" VARCHAR(16) NOT NULL,
    "source_topic" VARCHAR(249),
    "source_partition" INTEGER,
    "source_offset" BIGINT,
    "replayed_offset" BIGINT,
    "actor_id" VARCHAR(64),
    "actor_name" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "replayed_at" TIMESTAMPTZ(3),

    CONSTRAINT "dead_letter_resolutions_pkey" PRIMARY KEY ("partition","offset")
);
