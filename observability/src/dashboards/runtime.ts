import { dashboard } from "./panels";

const BY = "{{job}} {{instance}}";

/** Node.js runtime figures from @opentelemetry/instrumentation-runtime-node, per service process. */
export function runtimeDashboard() {
  return dashboard({
    uid: "gochat-runtime",
    title: "GoChat / Runtime",
    description: "Event loop, heap, resident memory and garbage collection of every service process",
    panels: [
      {
        title: "Event loop delay p99",
        description: "how late timers run: a busy or blocked event loop",
        unit: "s",
        queries: [{ expr: "max by (job, instance) (nodejs_eventloop_delay_p99)", legend: BY }],
      },
      {
        title: "Event loop utilization",
        description: "share of time the loop is busy",
        unit: "percentunit",
        queries: [{ expr: "max by (job, instance) (nodejs_eventloop_utilization)", legend: BY }],
      },
      {
        title: "Heap used",
        description: "V8 heap in use, all spaces",
        unit: "bytes",
        queries: [{ expr: "sum by (job, instance) (v8js_memory_heap_used)", legend: BY }],
      },
      {
        title: "Resident memory",
        description: "process RSS: heap, buffers and native memory",
        unit: "bytes",
        queries: [{ expr: "max by (job, instance) (process_memory_usage)", legend: BY }],
      },
      {
        title: "Garbage collection",
        description: "share of time spent in GC, by kind",
        unit: "percentunit",
        queries: [
          {
            expr: "sum by (job, instance, v8js_gc_type) (rate(v8js_gc_duration_sum[$__rate_interval]))",
            legend: `${BY} {{v8js_gc_type}}`,
          },
        ],
      },
      {
        title: "Active resources",
        description: "handles and requests keeping the event loop alive",
        unit: "short",
        queries: [{ expr: "sum by (job, instance) (v8js_resource_active)", legend: BY }],
      },
    ],
  });
}
