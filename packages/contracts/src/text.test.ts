import { describe, expect, it } from "vitest";
import { sendMessageInput } from "./socket-events";
import { chatMessage } from "./chat-message";
import { displayText, findUnstorableCharacter, isInvisibleText, messageText } from "./text";

const name = displayText(100);
const firstMessage = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.error?.issues[0]?.message;

describe("message text", () => {
  it.each([
    ["U+0000", "a\u0000b"],
    ["U+D800", "a\uD800b"],
    ["U+DC00", "\uDC00"],
    ["U+DBFF", "end\uDBFF"],
  ])("refuses %s", (code, text) => {
    expect(findUnstorableCharacter(text)).toBe(code);
    expect(firstMessage(messageText.safeParse(text))).toBe(`must not contain ${code} (it cannot be stored)`);
  });

  it("accepts paired surrogates, other controls and bidi marks in a message", () => {
    for (const text of ["😀 emoji", "tab\there", "mixed \u202Eright-to-left", "\u200B"])
      expect(messageText.safeParse(text).success).toBe(true);
  });

  it("is the content rule of the socket event and of every message on Kafka", () => {
    const input = { conversationId: "c1", clientMsgId: "m1", contentType: "text", content: "x\u0000" };
    expect(sendMessageInput.safeParse(input).success).toBe(false);
    expect(sendMessageInput.safeParse({ ...input, content: "x" }).success).toBe(true);
    expect(chatMessage.shape.content).toBe(messageText);
  });
});

describe("display text", () => {
  it.each([
    ["\u202E override", "Admin\u202Egnp.exe"],
    ["\u2066 isolate", "a\u2066b\u2069"],
    ["\u200F mark", "name\u200F"],
  ])("refuses a bidirectional control (%s)", (_label, text) => {
    expect(firstMessage(name.safeParse(text))).toMatch(/bidirectional control/);
  });

  it.each([
    ["zero-width spaces", "\u200B\u200B\u200B"],
    ["joiners and BOM", "\u200C\u200D\uFEFF"],
    ["Hangul filler", "\u3164"],
    ["braille blank", "\u2800\u2800"],
    ["combining mark alone", "\u0301"],
    ["word joiner and spaces", "\u2060 \u00A0"],
  ])("refuses invisible-only text (%s)", (_label, text) => {
    expect(isInvisibleText(text)).toBe(true);
    expect(name.safeParse(text).success).toBe(false);
  });

  it("refuses control characters and what cannot be stored", () => {
    expect(firstMessage(name.safeParse("new\nline"))).toBe("must not contain control characters");
    expect(name.safeParse("nul\u0000").success).toBe(false);
    expect(name.safeParse("half\uD83D").success).toBe(false);
  });

  it("accepts names in any script, emoji and joined emoji", () => {
    for (const text of ["Alice", "  Zoë  ", "محمد", "李雷", "👩‍💻 dev", "e\u0301"])
      expect(name.safeParse(text).success).toBe(true);
    expect(name.parse("  Zoë  ")).toBe("Zoë");
  });
});
