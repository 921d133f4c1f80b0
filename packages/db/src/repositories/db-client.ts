import { Prisma, type PrismaClient } from "../generated/prisma/client";

/** A client or an interactive transaction: repository reads and single writes accept either. */
export type DbClient = PrismaClient | Prisma.TransactionClient;

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/** Sequences and message ids are Int8 in storage and safe integers on the wire (see @gochat/contracts ids). */
export function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER))
    throw new RangeError(`${value} exceeds the safe integer range`);
  return Number(value);
}
