import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { z } from "zod";
import { decodeOtlpJson, OtlpJsonError } from "./decode-otlp-json";
import { decodeOtlpProtobuf } from "./decode-otlp-protobuf";
import { ProtobufError } from "./protobuf-reader";
import { toStoredSpans } from "./span";
import type { TraceStore } from "./trace-store";

const gunzipAsync = promisify(gunzip);

export interface TraceStoreServerOptions {
  store: TraceStore;
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Largest export request accepted, after decompression. */
  maxRequestBytes?: number;
  /** Origins allowed to export from a browser and read the API; `true` for any. */
  corsOrigins?: string[] | true;
}

export interface TraceStoreServer {
  /** `http://host:port`; exporters send to `${url}/v1/traces`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const booleanParam = z.enum(["true", "false"]).transform((value) => value === "true");

const searchParams = z.object({
  messageId: z.string().min(1).optional(),
  conversationId: z.string().min(1).optional(),
  userId: z.string().min(1).optional(),
  clientMsgId: z.string().min(1).optional(),
  gatewayId: z.string().min(1).optional(),
  fanoutTaskId: z.string().min(1).optional(),
  notificationId: z.string().min(1).optional(),
  service: z.string().min(1).optional(),
  minDurationMs: z.coerce.number().nonnegative().optional(),
  startedAfterMs: z.coerce.number().nonnegative().optional(),
  startedBeforeMs: z.coerce.number().nonnegative().optional(),
  error: booleanParam.optional(),
  limit: z.coerce.number().int().positive().optional(),
});

class HttpError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/**
 * Serves the trace store over HTTP: OTLP/HTTP export on `POST /v1/traces` (JSON or protobuf, optionally
 * gzipped), and a JSON query API: `GET /api/traces?…` (newest first, filtered), `GET /api/traces/{id}`,
 * `GET /api/services`, `GET /api/stats`.
 */
export async function startTraceStoreServer(options: TraceStoreServerOptions): Promise<TraceStoreServer> {
  const { store } = options;
  const maxRequestBytes = options.maxRequestBytes ?? 32 * 1024 * 1024;
  const cors = options.corsOrigins ?? true;

  const server: Server = createServer((request, response) => {
    allowCors(request, response, cors);
    handle(request, response).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      if (!response.headersSent) {
        sendJson(response, status, { error: error instanceof Error ? error.message : String(error) });
      } else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://trace-store");
    if (request.method === "OPTIONS") {
      response.writeHead(204).end();
      return;
    }
    if (url.pathname === "/v1/traces") {
      if (request.method !== "POST") throw new HttpError(405, "POST an ExportTraceServiceRequest");
      await receive(request, response);
      return;
    }
    if (request.method !== "GET") throw new HttpError(405, "the query API answers GET");
    if (url.pathname === "/healthz" || url.pathname === "/readyz") {
      sendJson(response, 200, { ok: true });
      return;
    }
    if (url.pathname === "/api/traces") {
      const parsed = searchParams.safeParse(Object.fromEntries(url.searchParams));
      if (!parsed.success) throw new HttpError(400, z.prettifyError(parsed.error));
      sendJson(response, 200, { traces: store.search(parsed.data) });
      return;
    }
    const byId = /^\/api\/traces\/([0-9a-fA-F]{32})$/.exec(url.pathname);
    if (byId?.[1] !== undefined) {
      const spans = store.trace(byId[1]);
      if (spans === undefined) throw new HttpError(404, `no trace ${byId[1]}`);
      sendJson(response, 200, { traceId: byId[1].toLowerCase(), spans });
      return;
    }
    if (url.pathname === "/api/services") {
      sendJson(response, 200, { services: store.services() });
      return;
    }
    if (url.pathname === "/api/stats") {
      sendJson(response, 200, store.stats());
      return;
    }
    throw new HttpError(404, `nothing at ${url.pathname}`);
  }

  async function receive(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
    let body = await readBody(request, maxRequestBytes);
    if (request.headers["content-encoding"] === "gzip") {
      body = await gunzipAsync(body, { maxOutputLength: maxRequestBytes }).catch((error: unknown) => {
        throw new HttpError(400, `bad gzip body: ${(error as Error).message}`);
      });
    }
    if (type === "application/x-protobuf" || type === "application/protobuf") {
      try {
        store.add(toStoredSpans(decodeOtlpProtobuf(body)));
      } catch (error) {
        if (error instanceof ProtobufError) throw new HttpError(400, error.message);
        throw error;
      }
      // An empty ExportTraceServiceResponse: everything was accepted.
      response.writeHead(200, { "content-type": "application/x-protobuf" }).end();
      return;
    }
    if (type === "application/json") {
      try {
        store.add(toStoredSpans(decodeOtlpJson(body.toString("utf8"))));
      } catch (error) {
        if (error instanceof OtlpJsonError) throw new HttpError(400, error.message);
        throw error;
      }
      sendJson(response, 200, {});
      return;
    }
    throw new HttpError(415, "send application/x-protobuf or application/json");
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? "127.0.0.1";
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > limit) throw new HttpError(413, `request larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/** Browsers export spans and an admin console reads them from another origin. */
function allowCors(request: IncomingMessage, response: ServerResponse, allowed: string[] | true): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  if (allowed !== true && !allowed.includes(origin)) return;
  response.setHeader("access-control-allow-origin", allowed === true ? "*" : origin);
  response.setHeader("access-control-allow-methods", "GET, POST, OPTIONS");
  response.setHeader(
    "access-control-allow-headers",
    "content-type, content-encoding, traceparent, tracestate",
  );
  response.setHeader("access-control-max-age", "600");
  if (allowed !== true) response.setHeader("vary", "origin");
}
