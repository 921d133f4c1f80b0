import { timingSafeEqual } from "node:crypto";
import { ErrorCode } from "../protocol/error-codes";
import type { Reader } from "../protocol/reader";
import type { Writer } from "../protocol/writer";

export const SASL_HANDSHAKE_KEY = 17;
export const SASL_AUTHENTICATE_KEY = 36;
const API_VERSIONS_KEY = 18;

/** Users allowed in when SASL is on: name → password. */
export type SaslUsers = Readonly<Record<string, string>>;

const ILLEGAL_SASL_STATE = 34;
const UNSUPPORTED_SASL_MECHANISM = 33;
const SASL_AUTHENTICATION_FAILED = 58;

function equalSecret(given: string, expected: string): boolean {
  const [a, b] = [Buffer.from(given), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `[authzid] NUL authcid NUL passwd` (RFC 4616); undefined when the token is not shaped so. */
function parsePlainToken(token: Buffer): { username: string; password: string } | undefined {
  const parts = token.toString("utf8").split("\u0000");
  if (parts.length !== 3) return undefined;
  const [authzid = "", username = "", password = ""] = parts;
  if (username === "" || (authzid !== "" && authzid !== username)) return undefined;
  return { username, password };
}

/**
 * One connection's SASL/PLAIN state, as Kafka brokers run it: SaslHandshake names the mechanism, then
 * SaslAuthenticate carries the PLAIN token. Until that succeeds only ApiVersions and these two are served,
 * and anything else closes the connection. Without configured users every connection is open, as before.
 */
export class SaslSession {
  readonly #users: SaslUsers | undefined;
  #mechanismAgreed = false;
  #isAuthenticated: boolean;
  /** Who signed in, for the log. */
  principal: string | undefined;

  constructor(users: SaslUsers | undefined) {
    this.#users = users;
    this.#isAuthenticated = users === undefined;
  }

  /** Whether a request with this API key may be served now. */
  admits(apiKey: number): boolean {
    return (
      this.#isAuthenticated ||
      apiKey === API_VERSIONS_KEY ||
      apiKey === SASL_HANDSHAKE_KEY ||
      apiKey === SASL_AUTHENTICATE_KEY
    );
  }

  handshake(reader: Reader, response: Writer): Writer {
    const mechanism = reader.readString();
    const offered = this.#users === undefined ? [] : ["PLAIN"];
    const isAgreed = offered.includes(mechanism.toUpperCase()) && !this.#isAuthenticated;
    this.#mechanismAgreed = isAgreed;
    return response
      .writeInt16(isAgreed ? ErrorCode.NONE : UNSUPPORTED_SASL_MECHANISM)
      .writeArray(offered, (writer, name) => writer.writeString(name));
  }

  /** Returns the response and whether the connection must close (a failed authentication). */
  authenticate(reader: Reader, response: Writer, version: number): { response: Writer; close: boolean } {
    const token = reader.readBytes();
    const fail = (code: number, message: string) => {
      response.writeInt16(code).writeNullableString(message).writeBytes(Buffer.alloc(0));
      if (version >= 1) response.writeInt64(0n);
      return { response, close: true };
    };
    if (!this.#mechanismAgreed || this.#isAuthenticated || this.#users === undefined)
      return fail(ILLEGAL_SASL_STATE, "SaslHandshake must agree on a mechanism first");
    const credentials = parsePlainToken(token);
    const expected = credentials === undefined ? undefined : this.#users[credentials.username];
    if (credentials === undefined || expected === undefined || !equalSecret(credentials.password, expected))
      return fail(SASL_AUTHENTICATION_FAILED, "Authentication failed: invalid username or password");
    this.#isAuthenticated = true;
    this.principal = credentials.username;
    response.writeInt16(ErrorCode.NONE).writeNullableString(null).writeBytes(Buffer.alloc(0));
    if (version >= 1) response.writeInt64(0n);
    return { response, close: false };
  }
}
