import { ProtobufReader } from "./protobuf-reader";
import type { AttributeValue, Attributes, DecodedScopeSpans, DecodedSpan, SpanLink } from "./span";

// Field numbers from opentelemetry/proto (collector/trace/v1, trace/v1, common/v1, resource/v1).

/** Decodes an `ExportTraceServiceRequest` sent with `OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf`. */
export function decodeOtlpProtobuf(bytes: Uint8Array): DecodedScopeSpans[] {
  const groups: DecodedScopeSpans[] = [];
  const request = new ProtobufReader(bytes);
  while (!request.done) {
    const { field, wireType } = request.tag();
    if (field === 1) groups.push(...readResourceSpans(request.message()));
    else request.skip(wireType);
  }
  return groups;
}

function readResourceSpans(reader: ProtobufReader): DecodedScopeSpans[] {
  let resource: Attributes = {};
  const scopes: Omit<DecodedScopeSpans, "resource">[] = [];
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (field === 1) resource = readAttributesOf(reader.message(), 1);
    else if (field === 2) scopes.push(readScopeSpans(reader.message()));
    else reader.skip(wireType);
  }
  return scopes.map((scope) => ({ resource, ...scope }));
}

function readScopeSpans(reader: ProtobufReader): Omit<DecodedScopeSpans, "resource"> {
  const scope = { name: "", version: "" };
  const spans: DecodedSpan[] = [];
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (field === 1) {
      const scopeReader = reader.message();
      while (!scopeReader.done) {
        const inner = scopeReader.tag();
        if (inner.field === 1) scope.name = scopeReader.string();
        else if (inner.field === 2) scope.version = scopeReader.string();
        else scopeReader.skip(inner.wireType);
      }
    } else if (field === 2) spans.push(readSpan(reader.message()));
    else reader.skip(wireType);
  }
  return { scope, spans };
}

function readSpan(reader: ProtobufReader): DecodedSpan {
  const span: DecodedSpan = {
    traceId: "",
    spanId: "",
    parentSpanId: undefined,
    name: "",
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    status: { code: 0, message: "" },
    attributes: {},
    events: [],
    links: [],
  };
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    switch (field) {
      case 1:
        span.traceId = toHex(reader.bytes());
        break;
      case 2:
        span.spanId = toHex(reader.bytes());
        break;
      case 4: {
        const parent = toHex(reader.bytes());
        span.parentSpanId = parent === "" ? undefined : parent;
        break;
      }
      case 5:
        span.name = reader.string();
        break;
      case 6:
        span.kind = reader.uint32();
        break;
      case 7:
        span.startTimeUnixNano = reader.fixed64();
        break;
      case 8:
        span.endTimeUnixNano = reader.fixed64();
        break;
      case 9:
        addKeyValue(span.attributes, reader.message());
        break;
      case 11:
        span.events.push(readEvent(reader.message()));
        break;
      case 13:
        span.links.push(readLink(reader.message()));
        break;
      case 15:
        span.status = readStatus(reader.message());
        break;
      default:
        reader.skip(wireType);
    }
  }
  return span;
}

function readEvent(reader: ProtobufReader): DecodedSpan["events"][number] {
  const event = { name: "", timeUnixNano: 0n, attributes: {} as Attributes };
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (field === 1) event.timeUnixNano = reader.fixed64();
    else if (field === 2) event.name = reader.string();
    else if (field === 3) addKeyValue(event.attributes, reader.message());
    else reader.skip(wireType);
  }
  return event;
}

function readLink(reader: ProtobufReader): SpanLink {
  const link: SpanLink = { traceId: "", spanId: "", attributes: {} };
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (field === 1) link.traceId = toHex(reader.bytes());
    else if (field === 2) link.spanId = toHex(reader.bytes());
    else if (field === 4) addKeyValue(link.attributes, reader.message());
    else reader.skip(wireType);
  }
  return link;
}

function readStatus(reader: ProtobufReader): DecodedSpan["status"] {
  const status = { code: 0, message: "" };
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (field === 2) status.message = reader.string();
    else if (field === 3) status.code = reader.uint32();
    else reader.skip(wireType);
  }
  return status;
}

/** The `repeated KeyValue` field numbered `fieldNo` of a message, as an object. */
function readAttributesOf(reader: ProtobufReader, fieldNo: number): Attributes {
  const attributes: Attributes = {};
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (field === fieldNo) addKeyValue(attributes, reader.message());
    else reader.skip(wireType);
  }
  return attributes;
}

function addKeyValue(target: Attributes, reader: ProtobufReader): void {
  let key = "";
  let value: AttributeValue = null;
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (field === 1) key = reader.string();
    else if (field === 2) value = readAnyValue(reader.message());
    else reader.skip(wireType);
  }
  target[key] = value;
}

function readAnyValue(reader: ProtobufReader): AttributeValue {
  let value: AttributeValue = null;
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    switch (field) {
      case 1:
        value = reader.string();
        break;
      case 2:
        value = reader.bool();
        break;
      case 3:
        value = fromInt64(reader.int64());
        break;
      case 4:
        value = reader.double();
        break;
      case 5: {
        const values: AttributeValue[] = [];
        const array = reader.message();
        while (!array.done) {
          const inner = array.tag();
          if (inner.field === 1) values.push(readAnyValue(array.message()));
          else array.skip(inner.wireType);
        }
        value = values;
        break;
      }
      case 6:
        value = readAttributesOf(reader.message(), 1);
        break;
      case 7:
        value = Buffer.from(reader.bytes()).toString("base64");
        break;
      default:
        reader.skip(wireType);
    }
  }
  return value;
}

/** An int64 as a number when exact, else as its decimal string, so no id is silently rounded. */
export function fromInt64(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}
