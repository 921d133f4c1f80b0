import type { BenchSettings } from "../env";
import type { ConnectResult } from "../load/protocol";
import type { LoadGenerator } from "../load/worker-client";
import { cpuMsOf, pssMbOf, rssMbOf } from "../measure/proc";
import type { RunningGoChat } from "../system/gochat";
import { SEED } from "../system/seed";
import { crowdSockets } from "./crowd-tokens";

const GATEWAY = "gw-1";
/** After the crowd leaves, the gateway gets this long to let go of what it held for it. */
const AFTER_CLOSE_MS = 3_000;

export interface IdleResult {
  gateway: string;
  sockets: number;
  connect: ConnectResult;
  /** Gateway CPU spent accepting the sockets, per socket, ms. */
  connectCpuMsPerSocket: number;
  rssBeforeMb: number;
  /** The gateway's proportional share of memory before the sockets: RSS less what other processes share. */
  pssBeforeMb: number;
  rssConnectedMb: number;
  rssAfterCloseMb: number;
  perConnectionKb: number;
}

/** Holds many authenticated, idle sockets on one gateway and measures what they cost it. */
export async function runIdle(options: {
  system: RunningGoChat;
  generator: LoadGenerator;
  settings: BenchSettings;
  log: (line: string) => void;
}): Promise<IdleResult> {
  const { system, generator, settings } = options;
  const url = system.gatewayUrls[GATEWAY] as string;
  const sockets = crowdSockets({
    count: settings.idle.sockets,
    crowdSize: settings.fanout.groupSize - SEED.namedMembers,
    secret: await system.tokenSecret(),
    url: () => url,
  });
  const gatewayPids = () =>
    system
      .processes()
      .filter((process) => process.name === GATEWAY)
      .map((process) => process.pid);
  const rssBeforeMb = rssMbOf(system.processes(), GATEWAY);
  const pssBeforeMb = pssMbOf(system.processes(), GATEWAY);
  const cpuBefore = cpuMsOf(gatewayPids());
  const connect = await generator.call("connectCrowd", { sockets, concurrency: settings.connectConcurrency });
  const cpuAfter = cpuMsOf(gatewayPids());
  options.log(`idle: ${connect.connected} sockets on ${GATEWAY} at ${connect.perSecond.toFixed(0)}/s`);
  await new Promise((resolve) => setTimeout(resolve, settings.idle.settleMs));
  const rssConnectedMb = rssMbOf(system.processes(), GATEWAY);
  await generator.call("disconnectAll", {});
  await new Promise((resolve) => setTimeout(resolve, AFTER_CLOSE_MS));
  const rssAfterCloseMb = rssMbOf(system.processes(), GATEWAY);
  return {
    gateway: GATEWAY,
    sockets: connect.connected,
    connect,
    connectCpuMsPerSocket: connect.connected > 0 ? (cpuAfter - cpuBefore) / connect.connected : 0,
    rssBeforeMb,
    pssBeforeMb,
    rssConnectedMb,
    rssAfterCloseMb,
    perConnectionKb: connect.connected > 0 ? ((rssConnectedMb - rssBeforeMb) * 1024) / connect.connected : 0,
  };
}
