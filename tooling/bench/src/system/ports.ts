import { createServer } from "node:net";

/**
 * Where everything listens, relative to one base. The start command places health and stats ports at
 * fixed distances from the API's and each gateway's port (+100, +110…+113, +200), so those are reserved too.
 */
export interface PortLayout {
  repo: number;
  broker: number;
  gateways: { id: string; port: number }[];
  relay: number;
  /** The embedded trace store's OTLP and query port. */
  traceStore: number;
  all: number[];
}

export function portLayout(base: number): PortLayout {
  const gateways = [
    { id: "gw-1", port: base + 1 },
    { id: "gw-2", port: base + 2 },
  ];
  const health = [base + 100, base + 110, base + 111, base + 112, base + 113, base + 200];
  const relay = base + 300;
  const traceStore = base + 318;
  return {
    repo: base,
    broker: base + 90,
    gateways,
    relay,
    traceStore,
    all: [base, base + 90, relay, traceStore, ...health, ...gateways.flatMap((g) => [g.port, g.port + 100])],
  };
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => {
      resolve(false);
    });
    server.listen(port, "127.0.0.1", () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

/** Fails before anything starts when a port is taken, naming it, rather than halfway through a run. */
export async function assertPortsFree(layout: PortLayout): Promise<void> {
  const taken: number[] = [];
  for (const port of layout.all) if (!(await isFree(port))) taken.push(port);
  if (taken.length > 0) throw new Error(`ports in use: ${taken.join(", ")}; choose another BENCH_PORT_BASE`);
}
