import { createRequire } from "node:module";
import { afterEach, expect, it } from "vitest";
import { createLogger } from "../logger";
import { createKafkaClient } from "./client";

interface RequestQueue {
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  maybeThrottle(ms: number): void;
  destroy(): void;
}

const RequestQueue = createRequire(import.meta.url)("kafkajs/src/network/requestQueue/index.js") as new (
  options: Record<string, unknown>,
) => RequestQueue;

const queues: RequestQueue[] = [];
afterEach(() => {
  for (const queue of queues.splice(0)) queue.destroy();
});

function newQueue(): RequestQueue {
  const queue = new RequestQueue({
    maxInFlightRequests: null,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: "test",
    broker: "127.0.0.1:9092",
    logger: { debug: () => undefined },
  });
  queues.push(queue);
  return queue;
}

it("leaves an idle connection's request queue without a timer, and keeps the throttle's", () => {
  createKafkaClient({
    brokers: ["127.0.0.1:9092"],
    clientId: "test",
    logger: createLogger({ service: "test", level: "silent" }),
  });
  const idle = newQueue();
  // What kafkajs does after every response: with nothing waiting it used to re-arm a 1 ms timer.
  idle.checkPendingRequests();
  expect(idle.throttleCheckTimeoutId).toBeNull();

  const throttled = newQueue();
  throttled.maybeThrottle(60_000);
  throttled.checkPendingRequests();
  expect(throttled.throttleCheckTimeoutId).not.toBeNull();
});
