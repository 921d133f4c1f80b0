import type { AuditEntry, Prisma } from "../generated/prisma/client";
import type { DbClient } from "./db-client";

export type AuditInput = {
  /** The admin's user id; null when the command line did it. */
  actorId: string | null;
  actorName: string;
  action: string;
  target: string;
  details?: Prisma.InputJsonObject;
  at?: Date;
};

export function recordAudit(db: DbClient, entry: AuditInput): Promise<AuditEntry> {
  return db.auditEntry.create({
    data: {
      actorId: entry.actorId,
      actorName: entry.actorName.slice(0, 64),
      action: entry.action,
      target: entry.target.slice(0, 255),
      details: entry.details ?? {},
      ...(entry.at === undefined ? {} : { createdAt: entry.at }),
    },
  });
}

export type AuditQuery = {
  limit: number;
  /** Entries strictly older than this one's time, for paging back. */
  before?: Date;
  action?: string;
  target?: string;
};

/** Newest first. */
export function listAudit(db: DbClient, query: AuditQuery): Promise<AuditEntry[]> {
  return db.auditEntry.findMany({
    where: {
      ...(query.before === undefined ? {} : { createdAt: { lt: query.before } }),
      ...(query.action === undefined ? {} : { action: query.action }),
      ...(query.target === undefined ? {} : { target: query.target }),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit,
  });
}
