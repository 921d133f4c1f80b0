import type { BenchSettings } from "../env";
import type { ConnectResult, CrowdMessage } from "../load/protocol";
import type { LoadGenerator } from "../load/worker-client";
import { waitForConsumersCaughtUp, type Backlog } from "../measure/backlog";
import { takeSnapshot, usageBetween, type WatchedProcess, type WindowUsage } from "../measure/proc";
import type { RunningGoChat } from "../system/gochat";
import { SEED } from "../system/seed";
import { duration } from "../report/table";
import { apiClient } from "./api";
import { crowdSockets } from "./crowd-tokens";

export interface FanoutResult {
  groupId: string;
  members: number;
  online: number;
  connect: ConnectResult;
  /** The work the crowd's logins left (presence, announcements), waited out before the first message. */
  loginBacklog: Backlog;
  /** The first message to the group after the crowd came online and its logins were worked off. */
  cold: CrowdMessage;
  /** Then one message per interval. */
  warm: CrowdMessage[];
  warmLastMs: { p50: number | null; max: number | null };
  usage: WindowUsage;
}

export async function runFanout(options: {
  system: RunningGoChat;
  generator: LoadGenerator;
  settings: BenchSettings;
  processes: () => Promise<WatchedProcess[]>;
  log: (line: string) => void;
}): Promise<FanoutResult> {
  const { system, generator, settings } = options;
  const { fanout } = settings;
  const admin = await apiClient(system.repoUrl).auth.signIn.mutate({
    username: SEED.adminUsername,
    password: SEED.adminPassword,
  });
  const group = await apiClient(system.repoUrl, admin.accessToken).groups.get.query({
    groupId: SEED.groupId,
  });
  const gateways = Object.values(system.gatewayUrls);
  const sockets = crowdSockets({
    count: fanout.online,
    crowdSize: fanout.groupSize - SEED.namedMembers,
    secret: await system.tokenSecret(),
    url: (index) => gateways[index % gateways.length] as string,
  });
  const connect = await generator.call("connectCrowd", { sockets, concurrency: settings.connectConcurrency });
  options.log(
    `fan-out: ${connect.connected} of ${group.memberCount} members online across ${gateways.length} gateways`,
  );
  const loginBacklog = await waitForConsumersCaughtUp(
    { address: system.brokerAddress, ...(await system.brokerCredentials()) },
    fanout.timeoutMs,
  );
  options.log(
    `fan-out: the logins' work ${loginBacklog.caughtUp ? "done" : "still queued"} after ` +
      `${duration(loginBacklog.waitedMs)} (at most ${loginBacklog.maxLag} records behind)`,
  );
  await new Promise((resolve) => setTimeout(resolve, fanout.settleMs));
  const sender = { userId: admin.user.id, url: gateways[0] as string, auth: { token: admin.accessToken } };
  const send = (offsetsMs: number[]) =>
    generator.call("sendToCrowd", {
      sender,
      conversationId: SEED.groupId,
      offsetsMs,
      timeoutMs: fanout.timeoutMs,
    });
  const before = takeSnapshot(await options.processes());
  const [cold] = await send([0]);
  if (cold === undefined) throw new Error("fan-out: no result for the first message");
  options.log(
    `fan-out: first message reached ${cold.received} members, the last after ${duration(cold.lastMs)}`,
  );
  const warm =
    fanout.messages === 0
      ? []
      : await send(Array.from({ length: fanout.messages }, (_, index) => index * fanout.intervalMs));
  const usage = usageBetween(before, takeSnapshot(await options.processes()));
  await generator.call("disconnectAll", {});
  const lasts = warm
    .map((message) => message.lastMs)
    .filter((ms): ms is number => ms !== null)
    .sort((a, b) => a - b);
  return {
    groupId: SEED.groupId,
    members: group.memberCount,
    online: connect.connected,
    connect,
    loginBacklog,
    cold,
    warm,
    warmLastMs: {
      p50: lasts[Math.floor(lasts.length / 2)] ?? null,
      max: lasts[lasts.length - 1] ?? null,
    },
    usage,
  };
}
