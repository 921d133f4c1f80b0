import { z } from "zod";
import { expect, it } from "vitest";
import { deriveEventId } from "./event-id";

it("derives the same valid UUID v4 for the same event, and another for any other", () => {
  const id = deriveEventId("message.read", "conv-1", "user-1", 7);
  expect(z.uuidv4().safeParse(id).success).toBe(true);
  expect(deriveEventId("message.read", "conv-1", "user-1", 7)).toBe(id);
  expect(deriveEventId("message.read", "conv-1", "user-1", 8)).not.toBe(id);
  expect(deriveEventId("message.read", "conv-1", "user-17")).not.toBe(
    deriveEventId("message.read", "conv-11", "user-7"),
  );
});
