import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { classifyFailure } from "@gochat/service-kit";
import { afterEach, describe, expect, it } from "vitest";
import { keepAliveFetch } from "./http-fetch";
import { createRepoClient } from "./repo-client";

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: (request: IncomingMessage, body: string, response: ServerResponse) => void) {
  const connections: unknown[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => handler(request, body, response));
  });
  server.on("connection", (socket) => connections.push(socket));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, connections };
}

describe("keepAliveFetch", () => {
  it("sends the method, headers and body, reads the JSON answer, and reuses its connection", async () => {
    const seen: { method?: string; header?: string | string[]; type?: string; body: string }[] = [];
    const { url, connections } = await serve((request, body, response) => {
      seen.push({
        method: request.method,
        header: request.headers["x-gochat-test"],
        type: request.headers["content-type"],
        body,
      });
      response.writeHead(request.url === "/missing" ? 404 : 200, { "content-type": "application/json" });
      response.end(JSON.stringify({ echo: body.length, text: "héllo ✓" }));
    });
    const call = keepAliveFetch({ timeoutMs: 5_000 });
    const body = JSON.stringify({ content: "ünïcode ✓ ".repeat(1_000) });
    const first = await call(`${url}/call`, {
      method: "POST",
      headers: { "x-gochat-test": "yes", "content-type": "application/json" },
      body,
    });
    expect(first).toMatchObject({ ok: true, status: 200 });
    expect(await first.json()).toEqual({ echo: body.length, text: "héllo ✓" });
    const second = await call(new URL(`${url}/missing`), { headers: [["x-gochat-test", "again"]] });
    expect(second).toMatchObject({ ok: false, status: 404 });
    expect(seen).toEqual([
      { method: "POST", header: "yes", type: "application/json", body },
      { method: "GET", header: "again", type: undefined, body: "" },
    ]);
    expect(connections).toHaveLength(1);
  });

  it("fails a call that gets no answer within its deadline, and one whose signal aborts", async () => {
    const { url } = await serve(() => {
      // Never answers.
    });
    const call = keepAliveFetch({ timeoutMs: 100 });
    await expect(call(url)).rejects.toMatchObject({ name: "TimeoutError" });
    const controller = new AbortController();
    const pending = call(url, { signal: controller.signal });
    controller.abort(new Error("caller gave up"));
    await expect(pending).rejects.toThrow("caller gave up");
    await expect(call(url, { signal: AbortSignal.abort(new Error("already")) })).rejects.toThrow("already");
  });

  it("refuses what it cannot send", async () => {
    const call = keepAliveFetch({ timeoutMs: 1_000 });
    await expect(call("ftp://127.0.0.1/x")).rejects.toThrow("not an http(s) URL");
    await expect(call("http://127.0.0.1:1/x", { body: new Uint8Array(1) })).rejects.toThrow("text bodies");
  });
});

describe("the im-repo client", () => {
  it("reports an unreachable im-repo as a failure to retry, not a bad record", async () => {
    const { url } = await serve(() => {
      // Stands in for a port that is bound; closed below, so nothing listens there.
    });
    const server = servers.pop();
    await new Promise((resolve) => server?.close(resolve));
    const repo = createRepoClient(`${url}/trpc`, "a-token-secret-long-enough-for-the-test-0123456789");
    const error = await repo.internal.audience
      .query({ conversation_id: "c-1", user_id: "u-1" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "TRPCClientError" });
    expect((error as Error).cause).toMatchObject({ code: "ECONNREFUSED" });
    expect(classifyFailure(error)).toBe("transient");
  });
});
