import { randomUUID } from "node:crypto";
import { ErrorCode, type ErrorCodeValue } from "../protocol/error-codes";
import type { GroupState, JoinRequest, JoinResult, Member, SyncResult } from "./group-types";

const EMPTY = Buffer.alloc(0);

/**
 * Names a client across its connections: kafkajs fetches on a connection of its own, apart from the one
 * its group requests use, so a member's fetches are found by client id and address, not by connection.
 */
export function clientKey(clientId: string, clientHost: string): string {
  return `${clientHost}\u0000${clientId}`;
}

function failJoin(errorCode: ErrorCodeValue, memberId: string): JoinResult {
  return { errorCode, generationId: -1, protocolName: "", leader: "", memberId, members: [] };
}

/**
 * The membership state machine of one consumer group, after Kafka's GroupCoordinator:
 * Empty → PreparingRebalance (collect JoinGroups) → CompletingRebalance (await the leader's
 * SyncGroup) → Stable, back to PreparingRebalance whenever a member joins, leaves or times out.
 */
export class Group {
  readonly id: string;
  state: GroupState = "Empty";
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, valid until their session timeout. */
  private readonly pendingMembers = new Map<string, number>();
  private rebalanceDeadline = 0;
  private readonly onRebalance: ((clients: readonly string[]) => void) | undefined;

  /** `onRebalance` hears of each rebalance that begins, with the clients (`clientKey`) it waits for. */
  constructor(id: string, onRebalance?: (clients: readonly string[]) => void) {
    this.id = id;
    this.onRebalance = onRebalance;
  }

  join(request: JoinRequest, nowMs: number): JoinResult | Promise<JoinResult> {
    if (request.protocolType === "" || request.protocols.length === 0 || !this.isCompatible(request)) {
      return failJoin(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, request.memberId);
    }
    let memberId = request.memberId;
    if (memberId === "") {
      memberId = `${request.clientId}-${randomUUID()}`;
      if (request.requiresKnownMemberId) {
        this.pendingMembers.set(memberId, nowMs + request.sessionTimeoutMs);
        return failJoin(ErrorCode.MEMBER_ID_REQUIRED, memberId);
      }
    } else if (!this.members.has(memberId) && !this.pendingMembers.delete(memberId)) {
      return failJoin(ErrorCode.UNKNOWN_MEMBER_ID, memberId);
    }
    const previous = this.members.get(memberId);
    if (previous?.pendingJoin) previous.pendingJoin(failJoin(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
    const member: Member = {
      memberId,
      groupInstanceId: request.groupInstanceId,
      clientId: request.clientId,
      clientHost: request.clientHost,
      connectionId: request.connectionId,
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs,
      protocols: request.protocols,
      assignment: previous?.assignment ?? EMPTY,
      sessionDeadline: nowMs + request.sessionTimeoutMs,
      pendingJoin: undefined,
      pendingSync: undefined,
    };
    this.members.set(memberId, member);
    this.protocolType = request.protocolType;
    const result = new Promise<JoinResult>((resolve) => {
      member.pendingJoin = resolve;
    });
    if (this.state !== "PreparingRebalance") this.prepareRebalance(nowMs);
    this.tryCompleteJoin(nowMs);
    return result;
  }

  private isCompatible(request: JoinRequest): boolean {
    if (this.members.size === 0) return true;
    if (request.protocolType !== this.protocolType) return false;
    const others = [...this.members.values()].filter((member) => member.memberId !== request.memberId);
    return request.protocols.some((protocol) =>
      others.every((member) => member.protocols.some((theirs) => theirs.name === protocol.name)),
    );
  }

  private prepareRebalance(nowMs: number): void {
    for (const member of this.members.values()) {
      member.pendingSync?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
      member.pendingSync = undefined;
    }
    this.state = "PreparingRebalance";
    const longest = Math.max(0, ...[...this.members.values()].map((member) => member.rebalanceTimeoutMs));
    this.rebalanceDeadline = nowMs + longest;
    this.onRebalance?.(this.awaitedMembers().map((member) => clientKey(member.clientId, member.clientHost)));
  }

  /** Members a rebalance in progress still waits for: they have not sent their JoinGroup yet. */
  private awaitedMembers(): Member[] {
    return [...this.members.values()].filter((member) => member.pendingJoin === undefined);
  }

  /** Whether a rebalance in progress waits for a member of this client (`clientKey`). */
  awaitsRejoinFrom(client: string): boolean {
    if (this.state !== "PreparingRebalance") return false;
    for (const member of this.members.values()) {
      if (member.pendingJoin === undefined && clientKey(member.clientId, member.clientHost) === client)
        return true;
    }
    return false;
  }

  private tryCompleteJoin(nowMs: number): void {
    if (this.state !== "PreparingRebalance") return;
    const allJoined = [...this.members.values()].every((member) => member.pendingJoin !== undefined);
    if (allJoined && this.pendingMembers.size === 0) this.completeJoin(nowMs);
  }

  /** Starts a new generation with the members that rejoined; the rest are dropped. */
  private completeJoin(nowMs: number): void {
    for (const member of [...this.members.values()]) {
      if (!member.pendingJoin) this.members.delete(member.memberId);
    }
    this.generationId++;
    if (this.members.size === 0) {
      this.becomeEmpty();
      return;
    }
    const members = [...this.members.values()];
    const first = members[0] as Member;
    const protocol = first.protocols.find((candidate) =>
      members.every((member) => member.protocols.some((theirs) => theirs.name === candidate.name)),
    );
    this.protocolName = protocol?.name ?? first.protocols[0]?.name ?? "";
    if (this.leaderId === null || !this.members.has(this.leaderId)) this.leaderId = first.memberId;
    this.state = "CompletingRebalance";
    const memberList = members.map((member) => ({
      memberId: member.memberId,
      groupInstanceId: member.groupInstanceId,
      metadata: member.protocols.find((p) => p.name === this.protocolName)?.metadata ?? EMPTY,
    }));
    for (const member of members) {
      const isLeader = member.memberId === this.leaderId;
      const respond = member.pendingJoin;
      member.pendingJoin = undefined;
      member.sessionDeadline = nowMs + member.sessionTimeoutMs;
      respond?.({
        errorCode: ErrorCode.NONE,
        generationId: this.generationId,
        protocolName: this.protocolName,
        leader: this.leaderId,
        memberId: member.memberId,
        members: isLeader ? memberList : [],
      });
    }
  }

  private becomeEmpty(): void {
    this.state = "Empty";
    this.leaderId = null;
    this.protocolName = null;
  }

  sync(
    memberId: string,
    generationId: number,
    assignments: { memberId: string; assignment: Buffer }[],
    nowMs: number,
  ): SyncResult | Promise<SyncResult> {
    const member = this.members.get(memberId);
    if (!member) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY };
    if (generationId !== this.generationId)
      return { errorCode: ErrorCode.ILLEGAL_GENERATION, assignment: EMPTY };
    member.sessionDeadline = nowMs + member.sessionTimeoutMs;
    if (this.state === "PreparingRebalance")
      return { errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY };
    if (this.state === "Stable") return { errorCode: ErrorCode.NONE, assignment: member.assignment };
    const result = new Promise<SyncResult>((resolve) => {
      member.pendingSync = resolve;
    });
    if (memberId === this.leaderId) {
      for (const each of this.members.values()) {
        each.assignment = assignments.find((a) => a.memberId === each.memberId)?.assignment ?? EMPTY;
      }
      this.state = "Stable";
      for (const each of this.members.values()) {
        each.pendingSync?.({ errorCode: ErrorCode.NONE, assignment: each.assignment });
        each.pendingSync = undefined;
      }
    }
    return result;
  }

  heartbeat(memberId: string, generationId: number, nowMs: number): ErrorCodeValue {
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    member.sessionDeadline = nowMs + member.sessionTimeoutMs;
    if (this.state === "PreparingRebalance") return ErrorCode.REBALANCE_IN_PROGRESS;
    if (generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION;
    return ErrorCode.NONE;
  }

  /** Who may commit: members of the current generation, or anyone while the group has no members. */
  checkCommit(memberId: string, generationId: number, nowMs: number): ErrorCodeValue {
    if (generationId < 0 && this.members.size === 0) return ErrorCode.NONE;
    if (this.state === "CompletingRebalance") return ErrorCode.REBALANCE_IN_PROGRESS;
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION;
    member.sessionDeadline = nowMs + member.sessionTimeoutMs;
    return ErrorCode.NONE;
  }

  /**
   * Members whose connection closed leave the group at once, as if they had sent LeaveGroup. Kafka keeps
   * them until their session times out, since a client may reconnect; on the embedded broker (one
   * machine, loopback) a closed connection means a process that is gone, and waiting out its session
   * would stall its partitions for seconds after a crash. A live client that lost its connection finds
   * itself unknown at its next heartbeat and joins again.
   */
  connectionClosed(connectionId: number, nowMs: number): void {
    for (const member of [...this.members.values()]) {
      if (member.connectionId === connectionId) this.removeMember(member, nowMs);
    }
  }

  leave(memberId: string, nowMs: number): ErrorCodeValue {
    if (this.pendingMembers.delete(memberId)) {
      this.tryCompleteJoin(nowMs);
      return ErrorCode.NONE;
    }
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.removeMember(member, nowMs);
    return ErrorCode.NONE;
  }

  private removeMember(member: Member, nowMs: number): void {
    this.members.delete(member.memberId);
    member.pendingJoin?.(failJoin(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    member.pendingSync?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    if (this.members.size === 0 && this.state !== "PreparingRebalance") {
      this.generationId++;
      this.becomeEmpty();
      return;
    }
    if (this.state !== "PreparingRebalance") this.prepareRebalance(nowMs);
    this.tryCompleteJoin(nowMs);
  }

  /** Expires members that stopped heartbeating and rebalances that waited too long for stragglers. */
  tick(nowMs: number): void {
    for (const [memberId, deadline] of this.pendingMembers) {
      if (deadline <= nowMs) this.pendingMembers.delete(memberId);
    }
    for (const member of [...this.members.values()]) {
      // A member parked in JoinGroup is alive by definition: it is waiting for us.
      if (!member.pendingJoin && member.sessionDeadline <= nowMs) this.removeMember(member, nowMs);
    }
    if (this.state === "PreparingRebalance") {
      if (nowMs >= this.rebalanceDeadline) {
        this.pendingMembers.clear();
        this.completeJoin(nowMs);
      } else {
        this.tryCompleteJoin(nowMs);
      }
    }
  }

  /** Answers every parked request so no client hangs on a broker that is going away. */
  shutdown(): void {
    for (const member of this.members.values()) {
      member.pendingJoin?.(failJoin(ErrorCode.COORDINATOR_NOT_AVAILABLE, member.memberId));
      member.pendingSync?.({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, assignment: EMPTY });
      member.pendingJoin = undefined;
      member.pendingSync = undefined;
    }
  }
}
