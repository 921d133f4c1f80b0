import { createServer, type IncomingMessage, type Server } from "node:http";
import { listenOn } from "@gochat/service-kit";

export interface StatsServer {
  port: number;
  server: Server;
  close(): Promise<void>;
}

/**
 * Serves `GET /stats` as JSON; the figures are computed per request, so they are always current. Every
 * request is first put to `authorize`, which answers a refusal (status and error body) or undefined.
 */
export async function startStatsServer(options: {
  host: string;
  port: number;
  snapshot: () => unknown;
  authorize: (request: IncomingMessage) => { status: number; error: unknown } | undefined;
}): Promise<StatsServer> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const refusal = path === "/stats" ? options.authorize(request) : undefined;
    const [status, body] =
      path !== "/stats"
        ? [404, { error: "not found" }]
        : refusal !== undefined
          ? [refusal.status, { error: refusal.error }]
          : request.method !== "GET"
            ? [405, { error: "method not allowed" }]
            : [200, options.snapshot()];
    response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
    response.end(JSON.stringify(body));
  });
  const port = await listenOn(server, options.host, options.port, "analytics' /stats (ANALYTICS_PORT)");
  return {
    port,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
      }),
  };
}
