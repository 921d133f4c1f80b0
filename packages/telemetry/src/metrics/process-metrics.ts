import { metrics } from "@opentelemetry/api";
import { METER_NAME } from "./instruments";

/**
 * The process's resident memory (`process.memory.usage`, the semantic-convention name), which the
 * runtime instrumentation does not report: heap figures alone miss buffers and native memory.
 */
export function registerProcessMetrics(): void {
  const meter = metrics.getMeter(METER_NAME);
  meter
    .createObservableGauge("process.memory.usage", { unit: "By", description: "resident set size" })
    .addCallback((observer) => {
      observer.observe(process.memoryUsage.rss());
    });
}
