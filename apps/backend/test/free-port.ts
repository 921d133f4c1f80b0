import { createServer } from "node:net";

/** A loopback port that was free a moment ago, for a service started as its own process. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

async function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
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

/**
 * A port below the ephemeral range (32768 up, where outgoing connections take their local ports at any
 * moment) that is free together with `port + offset` for each offset: for the start command, which puts
 * each service's health port at a fixed distance from its own.
 */
export async function freePortBlock(
  offsets: readonly number[],
  /** Ports already handed out for the same system: the block overlaps none of them, and joins them. */
  taken: Set<number> = new Set(),
): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 10_000 + Math.floor(Math.random() * 10_000);
    const ports = [base, ...offsets.map((offset) => base + offset)];
    if (ports.some((port) => taken.has(port))) continue;
    if ((await Promise.all(ports.map(isFree))).every(Boolean)) {
      for (const port of ports) taken.add(port);
      return base;
    }
  }
  throw new Error("no free block of ports");
}
