import { createHmac, randomUUID } from "node:crypto";
import type { AppRouter } from "@gochat/api";
import type { ClientToServerEvents, SendMessageAck, ServerToClientEvents } from "@gochat/contracts";
import type { Logger } from "@gochat/service-kit";
import { gochatMetrics } from "@gochat/telemetry/metrics";
import { createTRPCClient, httpLink } from "@trpc/client";
import { io, type Socket } from "socket.io-client";

type ProbeSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ProbeOptions {
  repoUrl: string;
  /** The sender connects to the first gateway and the receiver to the last, so the probe crosses both. */
  gatewayUrls: readonly string[];
  /** The probe accounts' passwords are derived from it, so every start finds the same accounts. */
  tokenSecret: string;
  intervalMs: number;
  timeoutMs: number;
  logger: Logger;
}

export type ProbeOutcome = "ok" | "failed" | "timeout";

const USERS = ["gochat-probe-sender", "gochat-probe-receiver"] as const;

function api(url: string, token?: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({ url, headers: () => (token === undefined ? {} : { authorization: `Bearer ${token}` }) }),
    ],
  });
}

/**
 * A synthetic user pair that sends a message through the real pipeline (gateway → Kafka → im-logic →
 * im-repo → downstream → the other gateway) every `intervalMs` and records its round trip, or its
 * failure, as `gochat.probe.*`: a stalled pipeline shows with no user traffic at all.
 */
export class PipelineProbe {
  readonly #options: ProbeOptions;
  #session: { sender: ProbeSocket; receiver: ProbeSocket; conversationId: string } | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();
  #stopped = false;
  #lastOutcome: ProbeOutcome | undefined;

  constructor(options: ProbeOptions) {
    this.#options = options;
  }

  /** Ready once a probe has gone through end to end. */
  isReady(): boolean {
    return this.#lastOutcome !== undefined;
  }

  start(): void {
    const tick = () => {
      if (this.#stopped) return;
      this.#running = this.runOnce().finally(() => {
        if (!this.#stopped) this.#timer = setTimeout(tick, this.#options.intervalMs);
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running.catch(() => undefined);
    this.#close();
  }

  /** One probe message: sent, then awaited at the receiver; recorded and returned. */
  async runOnce(): Promise<ProbeOutcome> {
    const startedAt = performance.now();
    let outcome: ProbeOutcome;
    try {
      const session = await this.#connect();
      const clientMsgId = randomUUID();
      const received = new Promise<void>((resolve) => {
        const onMessage = (message: { clientMsgId: string }) => {
          if (message.clientMsgId !== clientMsgId) return;
          session.receiver.off("message:new", onMessage);
          resolve();
        };
        session.receiver.on("message:new", onMessage);
      });
      // socket.io types an acknowledgement awaited with a timeout loosely; the event map says what it is.
      const ack = (await session.sender.timeout(this.#options.timeoutMs).emitWithAck("message:send", {
        conversationId: session.conversationId,
        clientMsgId,
        contentType: "text",
        content: `probe ${new Date().toISOString()}`,
      })) as SendMessageAck;
      if (!ack.ok) throw new Error(`refused: ${ack.error.code}`);
      const left = Math.max(0, this.#options.timeoutMs - (performance.now() - startedAt));
      let timer: NodeJS.Timeout | undefined;
      const arrived = await Promise.race([
        received.then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), left))),
      ]);
      clearTimeout(timer);
      outcome = arrived ? "ok" : "timeout";
    } catch (error) {
      this.#options.logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        "probe failed",
      );
      outcome = error instanceof Error && /timed out/i.test(error.message) ? "timeout" : "failed";
      this.#close();
    }
    const metrics = gochatMetrics();
    metrics.probeRuns.add(1, { "gochat.outcome": outcome });
    if (outcome === "ok") metrics.probeRoundTrip.record((performance.now() - startedAt) / 1000);
    this.#lastOutcome = outcome;
    return outcome;
  }

  /** Signs the probe users in (signing them up the first time) and connects them, once per session. */
  async #connect() {
    if (this.#session?.sender.connected === true && this.#session.receiver.connected) return this.#session;
    this.#close();
    const { repoUrl, gatewayUrls } = this.#options;
    const [sender, receiver] = await Promise.all([this.#signIn(USERS[0]), this.#signIn(USERS[1])]);
    const { conversationId } = await api(repoUrl, sender.accessToken).conversations.openDirect.mutate({
      userId: receiver.user.id,
    });
    const open = async (url: string | undefined, token: string): Promise<ProbeSocket> => {
      if (url === undefined) throw new Error("no gateway to probe");
      const socket: ProbeSocket = io(url, {
        auth: { token },
        transports: ["websocket"],
        reconnection: false,
      });
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("connect_error", reject);
      });
      return socket;
    };
    this.#session = {
      sender: await open(gatewayUrls[0], sender.accessToken),
      receiver: await open(gatewayUrls.at(-1), receiver.accessToken),
      conversationId,
    };
    return this.#session;
  }

  async #signIn(username: string) {
    const password = createHmac("sha256", this.#options.tokenSecret)
      .update(`probe:${username}`)
      .digest("hex");
    const client = api(this.#options.repoUrl);
    try {
      return await client.auth.signIn.mutate({ username, password });
    } catch {
      return await client.auth.signUp.mutate({ username, displayName: "Pipeline probe", password });
    }
  }

  #close(): void {
    this.#session?.sender.disconnect();
    this.#session?.receiver.disconnect();
    this.#session = undefined;
  }
}
