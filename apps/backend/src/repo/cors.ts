import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Lets the browser apps call the API from their own origin. Preflight requests are answered here; other
 * requests continue with the allow-origin header set when the origin is allowed.
 */
export function corsMiddleware(allowed: readonly string[] | true) {
  return (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    const origin = request.headers.origin;
    if (origin !== undefined && (allowed === true || allowed.includes(origin))) {
      response.setHeader("access-control-allow-origin", origin);
      response.setHeader("access-control-allow-credentials", "true");
      response.setHeader("vary", "origin");
    }
    if (request.method === "OPTIONS") {
      response.setHeader("access-control-allow-methods", "GET, POST, OPTIONS");
      response.setHeader(
        "access-control-allow-headers",
        "authorization, content-type, trpc-accept, x-trpc-source, traceparent, tracestate",
      );
      response.setHeader("access-control-max-age", "600");
      response.writeHead(204);
      response.end();
      return;
    }
    next();
  };
}
