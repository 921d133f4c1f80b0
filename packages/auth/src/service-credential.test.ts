import { expect, it } from "vitest";
import { isServiceCredential, serviceCredential } from "./service-credential";

it("accepts only the credential derived from the same secret", () => {
  const secret = "x".repeat(32);
  const credential = serviceCredential(secret);
  expect(isServiceCredential(credential, secret)).toBe(true);
  expect(isServiceCredential(serviceCredential("y".repeat(32)), secret)).toBe(false);
  expect(isServiceCredential(credential.slice(1), secret)).toBe(false);
  expect(isServiceCredential(undefined, secret)).toBe(false);
  expect(isServiceCredential("", secret)).toBe(false);
});
