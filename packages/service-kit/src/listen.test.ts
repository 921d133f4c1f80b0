import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { afterEach, expect, it } from "vitest";
import { listenOn, PortInUseError } from "./listen";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

function server(): Server {
  const created = createServer();
  servers.push(created);
  return created;
}

it("binds and answers the port it got", async () => {
  const port = await listenOn(server(), "127.0.0.1", 0, "the test listener");
  expect(port).toBeGreaterThan(0);
});

it("names the port, what wanted it and the process holding it when the port is taken", async () => {
  const port = await listenOn(server(), "127.0.0.1", 0, "the first listener");
  const failure = await listenOn(server(), "127.0.0.1", port, "im-repo's API (REPO_PORT)").catch(
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(PortInUseError);
  expect((failure as PortInUseError).message).toBe(
    `im-repo's API (REPO_PORT) cannot listen on 127.0.0.1:${port}: the port is in use by pid ${process.pid} ` +
      `(${ownCommandLine()}); stop that process or choose another port`,
  );
});

function ownCommandLine(): string {
  return readFileSync("/proc/self/cmdline", "utf8").split("\0").filter(Boolean).join(" ").slice(0, 200);
}
