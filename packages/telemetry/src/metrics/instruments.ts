import {
  metrics,
  type Counter,
  type Histogram,
  type Meter,
  type MeterProvider,
  type UpDownCounter,
} from "@opentelemetry/api";
import { LATENCY_BUCKETS_SECONDS, METRICS, type MetricSpec } from "./catalogue";

type Recorded = Exclude<(typeof METRICS)[keyof typeof METRICS], { kind: "gauge" }>;
type RecordedId = {
  [K in keyof typeof METRICS]: (typeof METRICS)[K]["kind"] extends "gauge" ? never : K;
}[keyof typeof METRICS];

type InstrumentOf<Kind> = Kind extends "counter"
  ? Counter
  : Kind extends "updown"
    ? UpDownCounter
    : Histogram;

export type GochatMetrics = { readonly [K in RecordedId]: InstrumentOf<(typeof METRICS)[K]["kind"]> };

export const METER_NAME = "gochat";

const created = new WeakMap<MeterProvider, GochatMetrics>();

/**
 * GoChat's instruments on the global meter provider, created once per provider. Call it where a value is
 * recorded (it is a map lookup), not at module load: a meter taken before telemetry starts is a no-op.
 */
export function gochatMetrics(): GochatMetrics {
  const provider = metrics.getMeterProvider();
  let instruments = created.get(provider);
  if (instruments === undefined) {
    instruments = createInstruments(provider.getMeter(METER_NAME));
    created.set(provider, instruments);
  }
  return instruments;
}

function createInstruments(meter: Meter): GochatMetrics {
  const entries = Object.entries(METRICS as Record<string, MetricSpec>)
    .filter((entry): entry is [string, Recorded] => entry[1].kind !== "gauge")
    .map(([id, spec]) => {
      const options = { unit: spec.unit, description: spec.description };
      if (spec.kind === "counter") return [id, meter.createCounter(spec.name, options)];
      if (spec.kind === "updown") return [id, meter.createUpDownCounter(spec.name, options)];
      const buckets: readonly number[] = "buckets" in spec ? spec.buckets : LATENCY_BUCKETS_SECONDS;
      return [
        id,
        meter.createHistogram(spec.name, { ...options, advice: { explicitBucketBoundaries: [...buckets] } }),
      ];
    });
  return Object.fromEntries(entries) as GochatMetrics;
}

/** Seconds since a `performance.now()` reading, for the duration histograms. */
export function secondsSince(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}
