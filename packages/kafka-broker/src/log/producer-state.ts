import { ErrorCode, type ErrorCodeValue } from "../protocol/error-codes";

/** Kafka remembers the last five batches per producer, matching max.in.flight for idempotence. */
const REMEMBERED_BATCHES = 5;

interface RememberedBatch {
  firstSequence: number;
  lastSequence: number;
  baseOffset: bigint;
}

interface ProducerEntry {
  epoch: number;
  batches: RememberedBatch[];
}

export interface SequencedBatch {
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  lastOffsetDelta: number;
}

export type SequenceCheck =
  | { kind: "append" }
  | { kind: "duplicate"; baseOffset: bigint }
  | { kind: "reject"; errorCode: ErrorCodeValue };

function addSequence(sequence: number, delta: number): number {
  // Sequences wrap at int32 max back to zero, as the Kafka client does.
  return (sequence + delta) % 0x80000000;
}

/** Idempotent-producer bookkeeping for one partition: detects retried and out-of-order batches. */
export class ProducerStateTable {
  private readonly producers = new Map<bigint, ProducerEntry>();

  checkSequence(batch: SequencedBatch): SequenceCheck {
    if (batch.producerId < 0n || batch.baseSequence < 0) return { kind: "append" };
    const entry = this.producers.get(batch.producerId);
    if (!entry || batch.producerEpoch > entry.epoch) {
      // An unknown producer (new, or its batches aged out of the log) starts wherever it says it does.
      return { kind: "append" };
    }
    if (batch.producerEpoch < entry.epoch)
      return { kind: "reject", errorCode: ErrorCode.INVALID_PRODUCER_EPOCH };
    const lastSequence = addSequence(batch.baseSequence, batch.lastOffsetDelta);
    const duplicate = entry.batches.find(
      (known) => known.firstSequence === batch.baseSequence && known.lastSequence === lastSequence,
    );
    if (duplicate) return { kind: "duplicate", baseOffset: duplicate.baseOffset };
    const newest = entry.batches.at(-1);
    if (newest && batch.baseSequence !== addSequence(newest.lastSequence, 1)) {
      return { kind: "reject", errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
    }
    return { kind: "append" };
  }

  recordAppend(batch: SequencedBatch, baseOffset: bigint): void {
    if (batch.producerId < 0n || batch.baseSequence < 0) return;
    let entry = this.producers.get(batch.producerId);
    if (!entry || batch.producerEpoch > entry.epoch) {
      entry = { epoch: batch.producerEpoch, batches: [] };
      this.producers.set(batch.producerId, entry);
    }
    entry.batches.push({
      firstSequence: batch.baseSequence,
      lastSequence: addSequence(batch.baseSequence, batch.lastOffsetDelta),
      baseOffset,
    });
    if (entry.batches.length > REMEMBERED_BATCHES) entry.batches.shift();
  }

  get highestProducerId(): bigint {
    let highest = -1n;
    for (const id of this.producers.keys()) if (id > highest) highest = id;
    return highest;
  }
}
