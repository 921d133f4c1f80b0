import { ok } from "node:assert";
import { diag, type Attributes, type MeterProvider } from "@opentelemetry/api";
import { getNumberFromEnv, getStringFromEnv, getStringListFromEnv } from "@opentelemetry/core";
import {
  defaultResource,
  detectResources,
  hostDetector,
  osDetector,
  processDetector,
  resourceAttributesEnvDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
  serviceNameEnvDetector,
  type Resource,
  type ResourceDetector,
} from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanExporter,
  type SpanLimits,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";

// What sdk-node 0.301 reads from the standard OTEL_* variables, for the parts start-sdk.ts builds
// itself; its warnings are kept word for word.

/** A trace exporter `OTEL_TRACES_EXPORTER` names, by how it sends. */
export type TraceExporterKind = "otlp-http/protobuf" | "otlp-http/json" | "console";

/**
 * The trace exporters the environment asks for (OTLP over HTTP by default, none for `none`), or
 * undefined when it asks for one only sdk-node builds (gRPC) or names one it does not know.
 */
export function traceExportersFromEnv(): TraceExporterKind[] | undefined {
  let names = [...new Set(getStringListFromEnv("OTEL_TRACES_EXPORTER") ?? [])];
  if (names.length === 0) names = ["otlp"];
  if (names.includes("none")) return [];
  const kinds: TraceExporterKind[] = [];
  for (const name of names) {
    if (name === "console") kinds.push("console");
    else if (name !== "otlp") return undefined;
    else {
      const protocol =
        (
          getStringFromEnv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") ??
          getStringFromEnv("OTEL_EXPORTER_OTLP_PROTOCOL")
        )?.trim() || "http/protobuf";
      if (protocol === "http/protobuf") kinds.push("otlp-http/protobuf");
      else if (protocol === "http/json") kinds.push("otlp-http/json");
      else return undefined;
    }
  }
  return kinds;
}

/** The exporters, each module loaded only when asked for. */
export async function loadTraceExporters(kinds: readonly TraceExporterKind[]): Promise<SpanExporter[]> {
  const exporters: SpanExporter[] = [];
  for (const kind of kinds) {
    if (kind === "console") exporters.push(new ConsoleSpanExporter());
    else if (kind === "otlp-http/json")
      exporters.push(new (await import("@opentelemetry/exporter-trace-otlp-http")).OTLPTraceExporter());
    else exporters.push(new (await import("@opentelemetry/exporter-trace-otlp-proto")).OTLPTraceExporter());
  }
  return exporters;
}

/** A console exporter prints each span as it ends; every other exporter sends batches (`OTEL_BSP_*`). */
export function spanProcessorsFor(
  exporters: readonly SpanExporter[],
  selfObsMeterProvider: MeterProvider | undefined,
): SpanProcessor[] {
  return exporters.map((exporter) =>
    exporter instanceof ConsoleSpanExporter
      ? new SimpleSpanProcessor({ exporter, selfObsMeterProvider })
      : new BatchSpanProcessor({
          exporter,
          selfObsMeterProvider,
          maxQueueSize: nonNegativeNumberFromEnv("OTEL_BSP_MAX_QUEUE_SIZE"),
          scheduledDelayMillis: nonNegativeNumberFromEnv("OTEL_BSP_SCHEDULE_DELAY"),
          exportTimeoutMillis: nonNegativeNumberFromEnv("OTEL_BSP_EXPORT_TIMEOUT"),
          maxExportBatchSize: nonNegativeNumberFromEnv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE"),
        }),
  );
}

function nonNegativeNumberFromEnv(name: string): number | undefined {
  const value = getNumberFromEnv(name);
  if (value != null && value <= 0) {
    diag.warn(`${name} (${value}) is invalid, expected number greater than 0, using default.`);
    return undefined;
  }
  return value;
}

const DEFAULT_RATIO = 1;

/** `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`; undefined leaves the SDK's default. */
export function samplerFromEnv(): Sampler | undefined {
  const name = getStringFromEnv("OTEL_TRACES_SAMPLER");
  switch (name) {
    case undefined:
      return undefined;
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "parentbased_always_on":
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "traceidratio":
      return new TraceIdRatioBasedSampler(samplerRatioFromEnv());
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(samplerRatioFromEnv()) });
    default:
      diag.error(`unknown OTEL_TRACES_SAMPLER value "${name}", using default`);
      return undefined;
  }
}

function samplerRatioFromEnv(): number {
  const ratio = getNumberFromEnv("OTEL_TRACES_SAMPLER_ARG");
  if (ratio == null) {
    diag.error(`OTEL_TRACES_SAMPLER_ARG is blank, defaulting to ${DEFAULT_RATIO}.`);
    return DEFAULT_RATIO;
  }
  if (ratio < 0 || ratio > 1) {
    diag.error(
      `OTEL_TRACES_SAMPLER_ARG=${ratio} was given, but it is out of range ([0..1]), defaulting to ${DEFAULT_RATIO}.`,
    );
    return DEFAULT_RATIO;
  }
  return ratio;
}

export function spanLimitsFromEnv(): SpanLimits {
  return {
    attributeCountLimit:
      getNumberFromEnv("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT") ?? getNumberFromEnv("OTEL_ATTRIBUTE_COUNT_LIMIT"),
    attributeValueLengthLimit:
      getNumberFromEnv("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT") ??
      getNumberFromEnv("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT"),
    eventCountLimit: getNumberFromEnv("OTEL_SPAN_EVENT_COUNT_LIMIT"),
    linkCountLimit: getNumberFromEnv("OTEL_SPAN_LINK_COUNT_LIMIT"),
    attributePerEventCountLimit:
      getNumberFromEnv("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT") ??
      getNumberFromEnv("OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT"),
    attributePerLinkCountLimit:
      getNumberFromEnv("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT") ??
      getNumberFromEnv("OTEL_SPAN_ATTRIBUTE_PER_LINK_COUNT_LIMIT"),
  };
}

/**
 * The SDK's default resource, what the detectors `OTEL_NODE_RESOURCE_DETECTORS` names find (service,
 * host and process by default), `OTEL_RESOURCE_ATTRIBUTES`, then the service's own attributes.
 */
export function resourceFromEnv(attributes: Attributes): Resource {
  let resource = defaultResource();
  const detectors = resourceDetectorsFromEnv();
  if (detectors.length > 0) resource = resource.merge(detectResources({ detectors }));
  let fromEnv = detectResources({ detectors: [resourceAttributesEnvDetector] });
  ok(
    fromEnv.asyncAttributesPending === false,
    "this implementation assumes resourceAttributesEnvDetector has no async attributes",
  );
  // OTEL_SERVICE_NAME, read by the service detector, wins over a service.name in OTEL_RESOURCE_ATTRIBUTES.
  if (
    ATTR_SERVICE_NAME in fromEnv.attributes &&
    detectors.includes(serviceNameEnvDetector) &&
    getStringFromEnv("OTEL_SERVICE_NAME")
  ) {
    const { [ATTR_SERVICE_NAME]: _overridden, ...others } = fromEnv.attributes;
    fromEnv = resourceFromAttributes(others);
  }
  return resource.merge(fromEnv).merge(resourceFromAttributes(attributes));
}

function resourceDetectorsFromEnv(): ResourceDetector[] {
  let names = getStringListFromEnv("OTEL_NODE_RESOURCE_DETECTORS");
  if (!names || names.length === 0) names = ["service", "host", "process"];
  else if (names.includes("none")) names = [];
  else if (names.includes("all")) names = ["host", "process", "service"];
  const detectors: ResourceDetector[] = [];
  for (const name of names) {
    switch (name) {
      case "process":
        detectors.push(processDetector);
        break;
      case "os":
        diag.warn(
          "\"os\" resource detector name is no longer supported, use \"host\" which populates 'host.*' and 'os.*' resource attributes (see https://opentelemetry.io/docs/specs/otel/resource/sdk/#resource-detector-name)",
        );
        break;
      case "host":
        detectors.push(hostDetector, osDetector);
        break;
      case "serviceinstance":
        diag.warn(
          '"serviceinstance" resource detector name is no longer supported, use "service" which populates \'service.instance.id\' and reads OTEL_SERVICE_NAME (see https://opentelemetry.io/docs/specs/otel/resource/sdk/#resource-detector-name)',
        );
        break;
      case "service":
        detectors.push(serviceInstanceIdDetector, serviceNameEnvDetector);
        break;
      case "env":
        diag.warn(
          '"env" resource detector name is no longer supported, `OTEL_RESOURCE_ATTRIBUTES` is always read, use "service" to handle reading `OTEL_SERVICE_NAME` (see https://opentelemetry.io/docs/specs/otel/resource/sdk/#resource-detector-name)',
        );
        break;
      default:
        diag.warn(
          `unknown resource detector "${name}" in OTEL_NODE_RESOURCE_DETECTORS environment variable: this detector will be skipped`,
        );
    }
  }
  return detectors;
}
