import { AppError, isAppError, TOPICS, TRPC_CODE } from "@gochat/contracts";
import {
  buildReplay,
  readDeadLetterAt,
  readDeadLetters,
  readRecordAt,
  type DeadLetterEntry,
  type DeadLetterListRequest,
} from "@gochat/kafka-insight";
import { TRPCError } from "@trpc/server";
import { kafkaClient, kafkaProducer } from "./kafka";
import { fromRepo, repoClient } from "./repo-client";

/** A record on gochat.dead-letter, by its own partition and offset. */
export interface DeadLetterAt {
  partition: number;
  offset: string;
}

type Resolution = Awaited<
  ReturnType<ReturnType<typeof repoClient>["admin"]["deadLetters"]["list"]["query"]>
>[number];

export type DeadLetterState =
  | { kind: "new" }
  | { kind: "replayed"; by: string; at: number; replayedOffset: string | null }
  | { kind: "discarded"; by: string; at: number };

function stateOf(resolution: Resolution | undefined): DeadLetterState {
  if (resolution === undefined) return { kind: "new" };
  if (resolution.action === "discarded")
    return { kind: "discarded", by: resolution.actorName, at: resolution.at };
  return {
    kind: "replayed",
    by: resolution.actorName,
    at: resolution.replayedAt ?? resolution.at,
    replayedOffset: resolution.replayedOffset,
  };
}

/** Kafka-side refusals (a topic that is gone, a record not embedded) keep their codes for the browser. */
async function fromKafka<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isAppError(error)) throw new TRPCError({ code: TRPC_CODE[error.code], message: error.message });
    throw error;
  }
}

/** The newest dead letters with what admins did with each (im-repo remembers it). */
export async function listDeadLetters(accessToken: string, request: DeadLetterListRequest) {
  const list = await fromKafka(readDeadLetters(kafkaClient(), request));
  const resolutions = await fromRepo(
    repoClient(accessToken).admin.deadLetters.list.query({
      keys: list.entries.map((entry) => ({ partition: entry.partition, offset: entry.offset })),
    }),
  );
  const byKey = new Map(resolutions.map((r) => [`${r.partition}/${r.offset}`, r]));
  return {
    ...list,
    entries: list.entries.map((entry) => ({
      ...entry,
      state: stateOf(byKey.get(`${entry.partition}/${entry.offset}`)),
    })),
  };
}

async function readLetter(at: DeadLetterAt): Promise<DeadLetterEntry> {
  const entry = await fromKafka(readDeadLetterAt(kafkaClient(), at));
  if (entry === null) {
    throw new TRPCError({ code: "NOT_FOUND", message: `no dead letter at ${at.partition}/${at.offset}` });
  }
  return entry;
}

/** The original as it still is on its source topic, with its headers and trace, or null when it is gone. */
export async function readOriginal(at: DeadLetterAt) {
  const { letter } = await readLetter(at);
  if (letter === null) return null;
  return fromKafka(
    readRecordAt(kafkaClient(), {
      topic: letter.source_topic,
      partition: letter.source_partition,
      offset: letter.source_offset,
    }),
  );
}

async function refuseIfResolved(accessToken: string, at: DeadLetterAt): Promise<void> {
  const [earlier] = await fromRepo(repoClient(accessToken).admin.deadLetters.list.query({ keys: [at] }));
  if (earlier !== undefined) {
    throw new TRPCError({
      code: "CONFLICT",
      message: `dead letter ${TOPICS.deadLetter.name}/${at.partition}/${at.offset} was already ${earlier.action} by ${earlier.actorName} at ${new Date(earlier.at).toISOString()}`,
    });
  }
}

/**
 * Puts a dead letter's original back on its source topic, once. im-repo's claim is taken before the send,
 * so two admins (or two clicks) cannot both replay it; a send that fails gives the claim up again.
 */
export async function replayDeadLetter(accessToken: string, at: DeadLetterAt) {
  await refuseIfResolved(accessToken, at);
  const { letter, malformed } = await readLetter(at);
  if (letter === null) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `this dead letter does not decode (${malformed ?? "unknown"}); it can only be discarded`,
    });
  }
  const source = await fromKafka(
    readRecordAt(kafkaClient(), {
      topic: letter.source_topic,
      partition: letter.source_partition,
      offset: letter.source_offset,
    }),
  );
  const replay = await fromKafka(Promise.resolve().then(() => buildReplay(letter, at, source)));
  const repo = repoClient(accessToken).admin.deadLetters;
  await fromRepo(
    repo.claim.mutate({
      ...at,
      action: "replayed",
      source: {
        topic: letter.source_topic,
        partition: letter.source_partition,
        offset: letter.source_offset,
      },
      details: {
        consumerGroup: letter.consumer_group,
        reasonCode: letter.reason_code,
        headers: replay.headersFrom,
      },
    }),
  );
  let replayedOffset: string;
  try {
    const [sent] = await (await kafkaProducer()).send({ topic: replay.topic, messages: [replay.message] });
    if (sent?.baseOffset === undefined)
      throw new AppError("UNAVAILABLE", "the broker did not acknowledge it");
    replayedOffset = sent.baseOffset;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await fromRepo(repo.releaseReplay.mutate({ ...at, error: message }));
    throw new TRPCError({
      code: "INTERNAL_SERVER_ERROR",
      message: `the replay could not be sent: ${message}`,
    });
  }
  const resolution = await fromRepo(repo.finishReplay.mutate({ ...at, replayedOffset }));
  return { state: stateOf(resolution), topic: replay.topic, headersFrom: replay.headersFrom };
}

/** Marks a dead letter handled without replaying it; a malformed one too. */
export async function discardDeadLetter(accessToken: string, at: DeadLetterAt) {
  await refuseIfResolved(accessToken, at);
  const { letter, malformed } = await readLetter(at);
  const resolution = await fromRepo(
    repoClient(accessToken).admin.deadLetters.claim.mutate({
      ...at,
      action: "discarded",
      source:
        letter === null
          ? null
          : { topic: letter.source_topic, partition: letter.source_partition, offset: letter.source_offset },
      details:
        letter === null
          ? { malformed: (malformed ?? "").slice(0, 2000) }
          : { consumerGroup: letter.consumer_group, reasonCode: letter.reason_code },
    }),
  );
  return { state: stateOf(resolution) };
}
