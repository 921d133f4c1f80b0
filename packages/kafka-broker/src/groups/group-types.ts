import type { ErrorCodeValue } from "../protocol/error-codes";

export type GroupState = "Empty" | "PreparingRebalance" | "CompletingRebalance" | "Stable" | "Dead";

export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinRequest {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: GroupProtocol[];
  clientId: string;
  clientHost: string;
  /** The connection the join came on; the member leaves when it closes. */
  connectionId: number;
  /** JoinGroup v4+ clients know the MEMBER_ID_REQUIRED round trip. */
  requiresKnownMemberId: boolean;
}

export interface JoinResult {
  errorCode: ErrorCodeValue;
  generationId: number;
  protocolName: string;
  leader: string;
  memberId: string;
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface SyncResult {
  errorCode: ErrorCodeValue;
  assignment: Buffer;
}

export interface Member {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** The connection of its latest join or heartbeat. */
  connectionId: number;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: GroupProtocol[];
  assignment: Buffer;
  sessionDeadline: number;
  pendingJoin: ((result: JoinResult) => void) | undefined;
  pendingSync: ((result: SyncResult) => void) | undefined;
}
