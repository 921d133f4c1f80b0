import { expect, it } from "vitest";
import { acceptsServiceCredential, isServiceCredential, serviceCredential } from "./service-credential";

it("accepts only the credential derived from the same secret", () => {
  const secret = "x".repeat(32);
  const credential = serviceCredential(secret);
  expect(isServiceCredential(credential, secret)).toBe(true);
  expect(isServiceCredential(serviceCredential("y".repeat(32)), secret)).toBe(false);
  expect(isServiceCredential(credential.slice(1), secret)).toBe(false);
  expect(isServiceCredential(undefined, secret)).toBe(false);
  expect(isServiceCredential("", secret)).toBe(false);
});

it("accepts any credential of the configured set, so one can be rotated without downtime", () => {
  const current = "c".repeat(40);
  const previous = serviceCredential("x".repeat(32));
  expect(acceptsServiceCredential(current, [current, previous])).toBe(true);
  expect(acceptsServiceCredential(previous, [current, previous])).toBe(true);
  expect(acceptsServiceCredential(previous, [current])).toBe(false);
  expect(acceptsServiceCredential(undefined, [current])).toBe(false);
  expect(acceptsServiceCredential(current, [])).toBe(false);
});
