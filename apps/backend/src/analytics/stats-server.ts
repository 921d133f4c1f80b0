import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface StatsServer {
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** Serves `GET /stats` as JSON; the figures are computed per request, so they are always current. */
export async function startStatsServer(options: {
  host: string;
  port: number;
  snapshot: () => unknown;
}): Promise<StatsServer> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const [status, body] =
      path !== "/stats"
        ? [404, { error: "not found" }]
        : request.method !== "GET"
          ? [405, { error: "method not allowed" }]
          : [200, options.snapshot()];
    response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
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
