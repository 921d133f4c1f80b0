import { expect, it } from "vitest";

it("runs on Node.js 24", () => {
  console.log(`tests run on Node.js ${process.version}`);
  expect(process.versions.node.split(".")[0]).toBe("24");
});
