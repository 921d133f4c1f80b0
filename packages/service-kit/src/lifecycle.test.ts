import { describe, expect, it } from "vitest";
import { runService } from "./lifecycle";
import { createLogger } from "./logger";

describe("runService", () => {
  it("reports alive and ready on its health port, and stops the service once", async () => {
    let ready = false;
    let stops = 0;
    const handle = await runService({
      name: "probe",
      logger: createLogger({ service: "probe", level: "silent" }),
      healthPort: 0,
      exitOnShutdown: false,
      start: async () => ({
        isReady: () => ready,
        stop: async () => {
          stops++;
        },
      }),
    });
    const base = `http://127.0.0.1:${handle.healthPort}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    ready = true;
    const readyz = await fetch(`${base}/readyz`);
    expect(readyz.status).toBe(200);
    expect(await readyz.json()).toEqual({ service: "probe", ok: true, ready: true });
    await Promise.all([handle.shutdown("test"), handle.shutdown("again")]);
    expect(stops).toBe(1);
  });

  it("fails to start when the service cannot be built", async () => {
    await expect(
      runService({
        name: "broken",
        logger: createLogger({ service: "broken", level: "silent" }),
        healthPort: 0,
        exitOnShutdown: false,
        start: () => Promise.reject(new Error("no database")),
      }),
    ).rejects.toThrow("no database");
  });
});
