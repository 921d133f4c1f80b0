import { Writable } from "node:stream";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { TracerProvider } from "@opentelemetry/sdk-trace";
import { afterAll, expect, it } from "vitest";
import { createLogger } from "./logger";

const provider = new TracerProvider();
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(provider);
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
});

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ service: "im-logic", destination }) };
}

it("puts the active span's trace and span ids on each line, and none outside a span", () => {
  const { lines, logger } = capture();
  logger.info("outside");
  const span = provider.getTracer("test").startSpan("accept");
  context.with(trace.setSpan(context.active(), span), () => {
    logger.child({ component: "consumer" }).warn({ seq: 3 }, "inside");
  });
  span.end();
  expect(lines[0]).not.toHaveProperty("trace_id");
  expect(lines[0]).toMatchObject({ service: "im-logic", msg: "outside" });
  expect(lines[1]).toMatchObject({
    msg: "inside",
    component: "consumer",
    seq: 3,
    trace_id: span.spanContext().traceId,
    span_id: span.spanContext().spanId,
    trace_flags: "01",
  });
});
