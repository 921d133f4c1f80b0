import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "./logger";
import { listenOn } from "./listen";

export interface RunningService {
  /** Whether the service can take work now (its consumers joined, its dependencies reachable). */
  isReady(): boolean;
  /** Drains consumers, closes sockets and connections; called once. */
  stop(): Promise<void>;
}

export interface ServiceHandle {
  healthPort: number;
  shutdown(reason: string, exitCode?: number): Promise<void>;
}

/**
 * The one way a service starts and stops: build it, serve `/healthz` (alive) and `/readyz` (ready) on the
 * health port, and on SIGINT or SIGTERM stop it once, with a deadline after which the process exits anyway.
 * Under a supervisor (`supervisorPid`) only SIGTERM stops it: the supervisor handles Ctrl-C.
 */
export async function runService(options: {
  name: string;
  logger: Logger;
  healthPort: number;
  healthHost?: string;
  shutdownTimeoutMs?: number;
  /** Builds the service; `fail` stops it and exits non-zero, for a part that died for good. */
  start: (fail: (reason: string) => void) => Promise<RunningService>;
  exitOnShutdown?: boolean;
  /** Stop when this process is gone: the supervisor that started this one died without stopping it. */
  supervisorPid?: number | undefined;
  /** Serves `GET /metrics` (the Prometheus handler from telemetry). */
  metricsHandler?: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
}): Promise<ServiceHandle> {
  const { logger } = options;
  let service: RunningService | undefined;
  let stopping: Promise<void> | undefined;

  const health: Server = createServer((request, response) => {
    if (request.url === "/metrics" && options.metricsHandler !== undefined) {
      options.metricsHandler(request, response);
      return;
    }
    const ready = service !== undefined && stopping === undefined && service.isReady();
    const status = request.url === "/healthz" ? 200 : request.url === "/readyz" ? (ready ? 200 : 503) : 404;
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify({ service: options.name, ok: status === 200, ready }));
  });
  const healthPort = await listenOn(
    health,
    options.healthHost ?? "127.0.0.1",
    options.healthPort,
    `${options.name}'s health and metrics (HEALTH_PORT)`,
  );

  const shutdown = (reason: string, exitCode = 0): Promise<void> => {
    stopping ??= (async () => {
      logger.info({ reason }, "stopping");
      const deadline = setTimeout(() => {
        logger.error("shutdown deadline passed; exiting");
        process.exit(1);
      }, options.shutdownTimeoutMs ?? 15_000);
      deadline.unref();
      let code = exitCode;
      try {
        await service?.stop();
      } catch (error) {
        logger.error({ err: error }, "stopping failed");
        code = 1;
      } finally {
        clearTimeout(deadline);
        health.close();
        logger.info("stopped");
      }
      if (options.exitOnShutdown ?? true) process.exit(code);
    })();
    return stopping;
  };

  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  if (options.supervisorPid === undefined) {
    process.once("SIGINT", () => void shutdown("SIGINT"));
  } else {
    // Ctrl-C reaches every process of the terminal's process group at once. A supervised service leaves
    // it to the supervisor, which stops the services in order with SIGTERM: stopping on it here too would
    // take the broker and im-repo away while the services that depend on them are still draining.
    process.on("SIGINT", () => {
      logger.debug("SIGINT left to the supervisor, which stops the services in order");
    });
    watchSupervisor(options.supervisorPid, () => void shutdown("supervisor gone"));
  }

  try {
    service = await options.start((reason) => {
      void shutdown(reason, 1);
    });
  } catch (error) {
    logger.fatal({ err: error }, "failed to start");
    health.close();
    throw error;
  }
  // Since the process began, module loading included: the figure a restart's recovery depends on.
  logger.info({ healthPort, startedInMs: Math.round(performance.now()) }, "started");
  return { healthPort, shutdown };
}

/**
 * Calls `gone` once the process `pid` no longer exists. Linux has no portable "die with your parent" for
 * Node, and a service whose start command was SIGKILLed would otherwise hold its ports and data lock.
 */
function watchSupervisor(pid: number, gone: () => void, intervalMs = 500): void {
  const timer = setInterval(() => {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") return;
      clearInterval(timer);
      gone();
    }
  }, intervalMs);
  timer.unref();
}
