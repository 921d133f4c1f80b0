import { expect, it } from "vitest";
import { stopInOrder } from "./stop-in-order";

it("runs every step in order even when one fails, then reports the failure", async () => {
  const ran: string[] = [];
  await expect(
    stopInOrder(
      async () => {
        ran.push("sockets");
      },
      async () => {
        ran.push("presence");
        throw new Error("im-repo is gone");
      },
      async () => {
        ran.push("consumer");
      },
    ),
  ).rejects.toThrow("im-repo is gone");
  expect(ran).toEqual(["sockets", "presence", "consumer"]);
});
