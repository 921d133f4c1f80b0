import { z } from "zod";
import { fromInt64 } from "./decode-otlp-protobuf";
import type { AttributeValue, Attributes, DecodedScopeSpans } from "./span";

// OTLP/JSON: protobuf's JSON mapping with lowerCamelCase names, ids in hex, enums as numbers and 64-bit
// integers as strings (numbers are accepted too, as the mapping allows).

const int64 = z
  .union([z.string().regex(/^-?\d+$/), z.number()])
  .transform((value) => BigInt(typeof value === "number" ? Math.round(value) : value));

type JsonAnyValue = {
  stringValue?: string | undefined;
  boolValue?: boolean | undefined;
  intValue?: bigint | undefined;
  doubleValue?: number | undefined;
  arrayValue?: { values?: JsonAnyValue[] | undefined } | undefined;
  kvlistValue?: { values?: JsonKeyValue[] | undefined } | undefined;
  bytesValue?: string | undefined;
};
type JsonKeyValue = { key: string; value?: JsonAnyValue | undefined };

const anyValue: z.ZodType<JsonAnyValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: int64.optional(),
    doubleValue: z.union([z.number(), z.enum(["NaN", "Infinity", "-Infinity"]).transform(Number)]).optional(),
    arrayValue: z.object({ values: z.array(anyValue).optional() }).optional(),
    kvlistValue: z.object({ values: z.array(keyValue).optional() }).optional(),
    bytesValue: z.string().optional(),
  }),
);
const keyValue: z.ZodType<JsonKeyValue> = z.lazy(() =>
  z.object({ key: z.string(), value: anyValue.optional() }),
);
const attributes = z.array(keyValue).optional();

/** A trace or span id: hex as the OTLP/JSON mapping says, or base64 as some encoders still send. */
const id = (bytes: number) =>
  z.string().transform((value, context) => {
    if (value === "") return "";
    if (new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(value)) return value.toLowerCase();
    const decoded = Buffer.from(value, "base64");
    if (decoded.length === bytes) return decoded.toString("hex");
    context.addIssue({ code: "custom", message: `not a ${bytes}-byte id: ${value}` });
    return z.NEVER;
  });

const span = z.object({
  traceId: id(16),
  spanId: id(8),
  parentSpanId: id(8).optional(),
  name: z.string().default(""),
  kind: z.number().int().default(0),
  startTimeUnixNano: int64.default(0n),
  endTimeUnixNano: int64.default(0n),
  attributes,
  events: z
    .array(z.object({ timeUnixNano: int64.default(0n), name: z.string().default(""), attributes }))
    .optional(),
  links: z.array(z.object({ traceId: id(16), spanId: id(8), attributes })).optional(),
  status: z.object({ code: z.number().int().default(0), message: z.string().default("") }).optional(),
});

const exportRequest = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({ attributes }).optional(),
        scopeSpans: z
          .array(
            z.object({
              scope: z.object({ name: z.string().default(""), version: z.string().default("") }).optional(),
              spans: z.array(span).optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
});

export class OtlpJsonError extends Error {
  override readonly name = "OtlpJsonError";
}

/** Decodes an `ExportTraceServiceRequest` sent with `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`. */
export function decodeOtlpJson(text: string): DecodedScopeSpans[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new OtlpJsonError(`not JSON: ${(error as Error).message}`);
  }
  const parsed = exportRequest.safeParse(json);
  if (!parsed.success) throw new OtlpJsonError(z.prettifyError(parsed.error));
  return (parsed.data.resourceSpans ?? []).flatMap((resourceSpans) => {
    const resource = toAttributes(resourceSpans.resource?.attributes);
    return (resourceSpans.scopeSpans ?? []).map((scopeSpans) => ({
      resource,
      scope: scopeSpans.scope ?? { name: "", version: "" },
      spans: (scopeSpans.spans ?? []).map((s) => ({
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId === undefined || s.parentSpanId === "" ? undefined : s.parentSpanId,
        name: s.name,
        kind: s.kind,
        startTimeUnixNano: s.startTimeUnixNano,
        endTimeUnixNano: s.endTimeUnixNano,
        status: s.status ?? { code: 0, message: "" },
        attributes: toAttributes(s.attributes),
        events: (s.events ?? []).map((event) => ({
          name: event.name,
          timeUnixNano: event.timeUnixNano,
          attributes: toAttributes(event.attributes),
        })),
        links: (s.links ?? []).map((link) => ({
          traceId: link.traceId,
          spanId: link.spanId,
          attributes: toAttributes(link.attributes),
        })),
      })),
    }));
  });
}

function toAttributes(list: readonly JsonKeyValue[] | undefined): Attributes {
  const result: Attributes = {};
  for (const { key, value } of list ?? []) result[key] = toValue(value);
  return result;
}

function toValue(value: JsonAnyValue | undefined): AttributeValue {
  if (value === undefined) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return fromInt64(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(toValue);
  if (value.kvlistValue !== undefined) return toAttributes(value.kvlistValue.values);
  if (value.bytesValue !== undefined) return value.bytesValue;
  return null;
}
