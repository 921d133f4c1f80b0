import { describe } from "vitest";
import type { DatabaseKind } from "../../src/open-database";
import { defineAdminTests } from "./admin-suite";
import { defineGroupTests } from "./groups-suite";
import { defineLogicTests } from "./logic-suite";
import { defineMessageTests } from "./messages-suite";
import { useTestDatabase } from "./suite-context";
import { defineUserTests } from "./users-suite";

/** The same repository tests, run against each kind of database. */
export function defineRepositorySuite(kind: DatabaseKind): void {
  describe(`repositories on ${kind}`, () => {
    const context = useTestDatabase(kind);
    defineUserTests(context);
    defineMessageTests(context);
    defineGroupTests(context);
    defineLogicTests(context);
    defineAdminTests(context);
  });
}
