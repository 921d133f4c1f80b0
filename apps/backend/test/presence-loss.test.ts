import { afterAll, beforeAll, expect, it } from "vitest";
import { startStack } from "./stack";

let stack: Awaited<ReturnType<typeof startStack>>;

beforeAll(async () => {
  stack = await startStack({ gateways: ["gw-1"] });
}, 60_000);

afterAll(async () => {
  await stack.stop();
}, 60_000);

/**
 * A gateway that cannot record a socket's presence (im-repo is away) must not keep the socket: nothing
 * would reach it live. It closes the connection so that any socket.io client reconnects by itself, which
 * tries again; a disconnect packet ("io server disconnect") would leave the client disconnected for good.
 */
it("closes a socket whose presence cannot be recorded so that its client reconnects by itself", async () => {
  const user = await stack.user("unrecorded");
  await stack.repo.stop();
  const socket = await user.connect("gw-1");
  let ready = false;
  socket.on("session:ready", () => (ready = true));
  const reason = await new Promise<string>((resolve) => socket.once("disconnect", resolve));
  expect(reason).toBe("transport close");
  expect(ready).toBe(false);
}, 60_000);
