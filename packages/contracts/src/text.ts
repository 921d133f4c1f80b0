import { z } from "zod";
import { LIMITS } from "./limits";

/**
 * What PostgreSQL `text` cannot hold: U+0000. A lone UTF-16 surrogate is not a character at all: UTF-8
 * encoding turns it into U+FFFD, so the stored text would differ from what was acknowledged.
 */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what this pattern is for
const UNSTORABLE = /\u0000|\p{Cs}/u;

/**
 * Characters that reorder the text around them (embeddings, overrides, isolates and the implicit marks):
 * in a name they make "Admin\u202Egnp.exe" read as something else.
 */
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/** Control characters (C0, DEL, C1): never part of a name. */
const CONTROL = /\p{Cc}/u;

/**
 * What renders as nothing: white space, format characters (zero-width space and joiners, word joiner,
 * BOM, soft hyphen…), combining marks and variation selectors on their own, and the blank letters that
 * fonts draw empty (Hangul fillers, the braille blank).
 */
const INVISIBLE = /[\s\p{Cf}\p{M}\u115F\u1160\u3164\uFFA0\u2800]/gu;

const codePointOf = (match: string) =>
  `U+${(match.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;

/** The first character of `text` a database text column cannot store, as `U+XXXX`; undefined if none. */
export function findUnstorableCharacter(text: string): string | undefined {
  const match = UNSTORABLE.exec(text);
  return match === null ? undefined : codePointOf(match[0]);
}

export function hasBidiControl(text: string): boolean {
  return BIDI_CONTROL.test(text);
}

export function isInvisibleText(text: string): boolean {
  return text.replace(INVISIBLE, "").length === 0;
}

/** Any string that is stored: refuses U+0000 and lone surrogates. */
export function storableText(schema: z.ZodString = z.string()) {
  return schema.refine((text) => findUnstorableCharacter(text) === undefined, {
    error: (issue) =>
      `must not contain ${findUnstorableCharacter(String(issue.input)) ?? "U+0000"} (it cannot be stored)`,
  });
}

/**
 * A name people see (display names, group names): trimmed, 1–`max` characters, storable, without control
 * or bidirectional control characters, and with at least one visible character.
 */
export function displayText(max: number) {
  return storableText(
    z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`),
  )
    .refine((text) => !CONTROL.test(text), { error: "must not contain control characters" })
    .refine((text) => !hasBidiControl(text), {
      error:
        "must not contain bidirectional control characters (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C)",
    })
    .refine((text) => !isInvisibleText(text), { error: "must contain a visible character" });
}

/** The body of a chat message, as the sender's client supplies it and as every producer writes it. */
export const messageText = storableText(
  z
    .string()
    .min(1, "must not be empty")
    .max(LIMITS.messageContentChars, `must be at most ${LIMITS.messageContentChars} characters`),
);
