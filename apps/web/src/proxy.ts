import { NextResponse, type NextRequest } from "next/server";
import { isDevelopment, readPublicConfig } from "./env";

/**
 * A Content-Security-Policy on every page: scripts only from this origin or carrying the request's nonce
 * (Next.js puts it on its own inline scripts), connections only to this origin, im-repo, the
 * gateways and, when sends are traced, where their spans go. Inline style attributes stay allowed: the avatar colours and the virtual list position rows
 * with them. Tokens live in localStorage, so keeping foreign script out is what keeps them safe.
 */
const endpoints = readPublicConfig();

/**
 * An endpoint's origins for connect-src, over HTTP and WebSocket. `{host}` is whatever host the page was
 * opened on, which the server cannot know (Next.js hands the proxy its own host name), so it becomes
 * the wildcard host on the endpoint's scheme and port.
 */
function origins(template: string): string[] {
  const url = new URL(template.replaceAll("{host}", "placeholder.invalid"));
  const host = template.includes("{host}") ? `*${url.port === "" ? "" : `:${url.port}`}` : url.host;
  const websocket = url.protocol === "https:" ? "wss:" : "ws:";
  return [`${url.protocol}//${host}`, `${websocket}//${host}`];
}

export function contentSecurityPolicy(nonce: string): string {
  const connect = [
    endpoints.apiUrl,
    ...endpoints.gateways.map((gateway) => gateway.url),
    ...(endpoints.tracing === null ? [] : [endpoints.tracing.url]),
  ].flatMap(origins);
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isDevelopment ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    `connect-src 'self' ${[...new Set(connect)].join(" ")}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function proxy(request: NextRequest): NextResponse {
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const policy = contentSecurityPolicy(nonce);
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  // Pages only: not static assets, and not link prefetches, which render no scripts.
  matcher: [
    {
      source: "/((?!_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
