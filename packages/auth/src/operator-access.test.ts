import { expect, it } from "vitest";
import { issueAccessToken } from "./access-token";
import { authorizeOperator } from "./operator-access";
import { SERVICE_CREDENTIAL_HEADER } from "./service-credential";

const secret = "operator-test-secret-of-32-bytes!";
const access = { tokenSecret: secret, serviceCredentials: ["s".repeat(40)] };
const bearer = (role?: "user" | "admin") => ({
  authorization: `Bearer ${issueAccessToken({ userId: "u1", sessionId: "s1", ...(role === undefined ? {} : { role }) }, secret, { ttlSeconds: 60 }).token}`,
});

it("lets in an admin's token and the service credential", () => {
  expect(authorizeOperator(bearer("admin"), access)).toBeUndefined();
  expect(authorizeOperator({ [SERVICE_CREDENTIAL_HEADER]: "s".repeat(40) }, access)).toBeUndefined();
});

it("refuses users, strangers and forgeries with the matching code", () => {
  expect(authorizeOperator(bearer("user"), access)?.error.code).toBe("FORBIDDEN");
  expect(authorizeOperator(bearer(), access)?.status).toBe(403);
  expect(authorizeOperator({}, access)).toMatchObject({ status: 401, error: { code: "UNAUTHENTICATED" } });
  expect(authorizeOperator({ [SERVICE_CREDENTIAL_HEADER]: "t".repeat(40) }, access)?.status).toBe(401);
  const forged = issueAccessToken(
    { userId: "u1", sessionId: "s1", role: "admin" },
    "another-secret-of-32-bytes-long!!",
    {
      ttlSeconds: 60,
    },
  );
  expect(authorizeOperator({ authorization: `Bearer ${forged.token}` }, access)?.error.message).toBe(
    "access token signature does not match",
  );
});
