import { describe, expect, it } from "vitest";
import { increase, parsePrometheusText, quantileBetween, sumOf } from "./prometheus-text";

const scrape = (count: {
  fast: number;
  slow: number;
  records: number;
}) => `# HELP gochat_message_delivery_duration_seconds accepted to emitted
# TYPE gochat_message_delivery_duration_seconds histogram
gochat_message_delivery_duration_seconds_bucket{le="0.01"} ${count.fast}
gochat_message_delivery_duration_seconds_bucket{le="0.1"} ${count.fast + count.slow}
gochat_message_delivery_duration_seconds_bucket{le="+Inf"} ${count.fast + count.slow}
gochat_message_delivery_duration_seconds_count ${count.fast + count.slow}
gochat_consumer_records_total{messaging_consumer_group_name="task.persist.group",messaging_destination_name="gochat.messages.persist"} ${count.records}
gochat_consumer_records_total{messaging_consumer_group_name="other",messaging_destination_name="x"} 99
gochat_gateway_users 3 1700000000000
target_info{service_name="im-gateway",note="a \\"quoted\\" word"} 1
`;

describe("the Prometheus text format", () => {
  it("parses samples with labels, escapes and timestamps, skipping comments and odd lines", () => {
    const samples = parsePrometheusText(
      `${scrape({ fast: 1, slow: 0, records: 5 })}\nnot a sample line at all\n`,
    );
    expect(samples.find((sample) => sample.name === "target_info")?.labels).toEqual({
      service_name: "im-gateway",
      note: 'a "quoted" word',
    });
    expect(sumOf(samples, "gochat_gateway_users")).toBe(3);
    expect(sumOf(samples, "gochat_consumer_records_total", { messaging_consumer_group_name: "other" })).toBe(
      99,
    );
    expect(sumOf(samples, "missing")).toBeNull();
    expect(samples).toHaveLength(8);
  });

  it("measures a counter's growth between scrapes, taking a drop for a restart", () => {
    const before = parsePrometheusText(scrape({ fast: 0, slow: 0, records: 100 }));
    const after = parsePrometheusText(scrape({ fast: 0, slow: 0, records: 160 }));
    const filter = { messaging_consumer_group_name: "task.persist.group" };
    expect(increase(before, after, "gochat_consumer_records_total", filter)).toBe(60);
    expect(increase(after, before, "gochat_consumer_records_total", filter)).toBe(100);
  });

  it("takes a quantile of what a histogram observed between scrapes, interpolated in its bucket", () => {
    const before = parsePrometheusText(scrape({ fast: 50, slow: 0, records: 0 }));
    const after = parsePrometheusText(scrape({ fast: 60, slow: 10, records: 0 }));
    const bucket = "gochat_message_delivery_duration_seconds_bucket";
    // 10 fast (≤ 10 ms) and 10 slow (10–100 ms) in between: the median is at the top of the fast bucket.
    expect(quantileBetween(before, after, bucket, 0.5)).toBeCloseTo(0.01);
    expect(quantileBetween(before, after, bucket, 0.75)).toBeCloseTo(0.055);
    expect(quantileBetween(after, after, bucket, 0.5)).toBeNull();
  });
});
