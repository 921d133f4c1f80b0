import { expect, it } from "vitest";
import { EXAMPLE_BODIES } from "./examples";
import { toChatMessageView } from "./views";

it("shows a message to the client, and a recalled one without its body", () => {
  const message = EXAMPLE_BODIES.persist.message;
  expect(toChatMessageView(message)).toMatchObject({ seq: 102, content: message.content, recalled: false });
  expect(toChatMessageView({ ...message, recalled_at_ms: null }).recalled).toBe(false);
  expect(toChatMessageView({ ...message, recalled_at_ms: 1 })).toMatchObject({
    content: "",
    recalled: true,
    seq: 102,
  });
});
