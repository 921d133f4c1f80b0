import { request } from "node:http";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/**
 * One HTTP request as any client could send it, without tRPC's client: for batches, oversized or malformed
 * bodies, and a chosen source address on the loopback network (127.0.0.0/8 all reaches a 127.0.0.1 server).
 */
export function rawRequest(
  url: string,
  options: {
    method?: "GET" | "POST" | "OPTIONS";
    body?: string | Buffer;
    headers?: Record<string, string>;
    localAddress?: string;
    /** Send the body without a Content-Length (chunked), as a streaming client would. */
    chunked?: boolean;
  } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const body = options.body;
    const headers: Record<string, string> = { "content-type": "application/json", ...options.headers };
    if (body !== undefined && options.chunked !== true)
      headers["content-length"] = String(Buffer.byteLength(body));
    const outgoing = request(
      url,
      {
        method: options.method ?? (body === undefined ? "GET" : "POST"),
        headers,
        localAddress: options.localAddress,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: kept as text
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: parsed });
        });
        response.on("error", reject);
      },
    );
    outgoing.on("error", (error: NodeJS.ErrnoException) => {
      // A server that answers before reading the whole body may reset the rest of the upload.
      if (error.code === "EPIPE" || error.code === "ECONNRESET") return;
      reject(error);
    });
    if (body !== undefined) outgoing.write(body);
    outgoing.end();
  });
}

/** The GoChat error code of a (non-batch) tRPC error body. */
export function appCodeIn(body: unknown): string | undefined {
  const error = (body as { error?: { data?: { appCode?: string } } } | undefined)?.error;
  return error?.data?.appCode;
}
