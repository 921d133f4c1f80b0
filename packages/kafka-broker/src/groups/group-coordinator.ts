import { ErrorCode, type ErrorCodeValue } from "../protocol/error-codes";
import { Group } from "./group";
import type { GroupState, JoinRequest, JoinResult, SyncResult } from "./group-types";
import type { CommittedOffset, OffsetStore } from "./offset-store";

const TICK_MS = 100;

export interface GroupSummary {
  groupId: string;
  state: GroupState;
  protocolType: string;
  protocolName: string;
  members: {
    memberId: string;
    clientId: string;
    clientHost: string;
    metadata: Buffer;
    assignment: Buffer;
  }[];
}

/** Owns every consumer group and their committed offsets; the broker is coordinator for all of them. */
export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private readonly offsets: OffsetStore;
  private readonly onRebalance: ((clients: readonly string[]) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  /** `onRebalance` hears of every rebalance that begins, with the clients (`clientKey`) it awaits. */
  constructor(offsets: OffsetStore, onRebalance?: (clients: readonly string[]) => void) {
    this.offsets = offsets;
    this.onRebalance = onRebalance;
  }

  start(onError: (error: unknown) => void): void {
    this.timer = setInterval(() => {
      const now = Date.now();
      for (const group of this.groups.values()) {
        try {
          group.tick(now);
        } catch (error) {
          onError(error);
        }
      }
    }, TICK_MS);
    this.timer.unref();
  }

  private groupFor(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (!group) {
      group = new Group(groupId, this.onRebalance);
      this.groups.set(groupId, group);
    }
    return group;
  }

  join(request: JoinRequest): JoinResult | Promise<JoinResult> {
    if (request.groupId === "") {
      return {
        errorCode: ErrorCode.INVALID_GROUP_ID,
        generationId: -1,
        protocolName: "",
        leader: "",
        memberId: "",
        members: [],
      };
    }
    if (request.sessionTimeoutMs < 100 || request.sessionTimeoutMs > 3_600_000) {
      return {
        errorCode: ErrorCode.INVALID_SESSION_TIMEOUT,
        generationId: -1,
        protocolName: "",
        leader: "",
        memberId: request.memberId,
        members: [],
      };
    }
    return this.groupFor(request.groupId).join(request, Date.now());
  }

  sync(
    groupId: string,
    memberId: string,
    generationId: number,
    assignments: { memberId: string; assignment: Buffer }[],
  ): SyncResult | Promise<SyncResult> {
    const group = this.groups.get(groupId);
    if (!group) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: Buffer.alloc(0) };
    return group.sync(memberId, generationId, assignments, Date.now());
  }

  heartbeat(groupId: string, memberId: string, generationId: number, connectionId?: number): ErrorCodeValue {
    const group = this.groups.get(groupId);
    if (group === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    const member = group.members.get(memberId);
    if (member !== undefined && connectionId !== undefined) member.connectionId = connectionId;
    return group.heartbeat(memberId, generationId, Date.now());
  }

  /** Whether a rebalance in progress waits for a JoinGroup from a member of this client (`clientKey`). */
  awaitsRejoinFrom(client: string): boolean {
    for (const group of this.groups.values()) if (group.awaitsRejoinFrom(client)) return true;
    return false;
  }

  /** Every member that came on this connection leaves its group (see Group.connectionClosed). */
  connectionClosed(connectionId: number): void {
    const now = Date.now();
    for (const group of this.groups.values()) group.connectionClosed(connectionId, now);
  }

  leave(groupId: string, memberId: string): ErrorCodeValue {
    return this.groups.get(groupId)?.leave(memberId, Date.now()) ?? ErrorCode.UNKNOWN_MEMBER_ID;
  }

  checkCommit(groupId: string, memberId: string, generationId: number): ErrorCodeValue {
    if (groupId === "") return ErrorCode.INVALID_GROUP_ID;
    return this.groupFor(groupId).checkCommit(memberId, generationId, Date.now());
  }

  commit(groupId: string, topic: string, partition: number, committed: CommittedOffset): void {
    this.offsets.commit(groupId, topic, partition, committed);
  }

  fetchOffset(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.offsets.get(groupId, topic, partition);
  }

  fetchAllOffsets(groupId: string): { topic: string; partition: number; committed: CommittedOffset }[] {
    return this.offsets.list(groupId);
  }

  deleteTopic(topic: string): void {
    this.offsets.deleteTopic(topic);
  }

  /** DeleteGroups: only a group nobody is in may go, and with it every offset it committed. */
  deleteGroup(groupId: string): ErrorCodeValue {
    const group = this.groups.get(groupId);
    const hasOffsets = this.offsets.list(groupId).length > 0;
    if (group === undefined && !hasOffsets) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (group !== undefined && group.members.size > 0) return ErrorCode.NON_EMPTY_GROUP;
    group?.shutdown();
    this.groups.delete(groupId);
    this.offsets.deleteGroup(groupId);
    return ErrorCode.NONE;
  }

  /** Groups with members, and groups that only have committed offsets (they are Empty, like Kafka's). */
  listGroups(): { groupId: string; protocolType: string }[] {
    const ids = new Set([...this.groups.keys(), ...this.offsets.groupIds()]);
    return [...ids].map((groupId) => ({
      groupId,
      protocolType: this.groups.get(groupId)?.protocolType ?? "consumer",
    }));
  }

  describe(groupId: string): GroupSummary {
    const group = this.groups.get(groupId);
    if (!group) {
      const hasOffsets = this.offsets.list(groupId).length > 0;
      return {
        groupId,
        state: hasOffsets ? "Empty" : "Dead",
        protocolType: hasOffsets ? "consumer" : "",
        protocolName: "",
        members: [],
      };
    }
    return {
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? "",
      protocolName: group.protocolName ?? "",
      members: [...group.members.values()].map((member) => ({
        memberId: member.memberId,
        clientId: member.clientId,
        clientHost: member.clientHost,
        metadata: member.protocols.find((p) => p.name === group.protocolName)?.metadata ?? Buffer.alloc(0),
        assignment: member.assignment,
      })),
    };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    for (const group of this.groups.values()) group.shutdown();
  }
}
