import { summarizeGroup } from "../../../server/routers/groups";
import { onNewEvents, onReport } from "../../../server/kafka";
import { ACCESS_COOKIE, checkAccessToken, readCookie } from "../../../server/session";

export const dynamic = "force-dynamic";

/**
 * Server-sent events: a `groups` event with every group's summary after each sample, and an `events`
 * event when the user and message event stream has taken in new events (the events page then asks for
 * its filtered view again). Pages keep their data current from them without polling. An expired access token ends the stream with `unauthorized`;
 * the page renews it through the API and reconnects.
 */
export function GET(request: Request): Response {
  const check = checkAccessToken(readCookie(request.headers.get("cookie"), ACCESS_COOKIE));
  if (check.kind !== "signed-in") return new Response("sign in first", { status: 401 });
  if (check.session.role !== "admin") return new Response("this needs the admin role", { status: 403 });
  const encoder = new TextEncoder();
  let stop = () => undefined as unknown;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (event: string, data: unknown) => {
        controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
      };
      send("hello", { atMs: Date.now() });
      const unsubscribe = onReport((report) => {
        if (checkAccessToken(check.session.accessToken).kind !== "signed-in") {
          send("unauthorized", {});
          stop();
          return;
        }
        send("groups", { atMs: report.atMs, groups: report.groups.map(summarizeGroup) });
      });
      const stopEvents = onNewEvents(() => send("events", { atMs: Date.now() }));
      stop = () => {
        unsubscribe();
        stopEvents();
        try {
          controller.close();
        } catch {
          // Already closed by the client going away.
        }
      };
      request.signal.addEventListener("abort", () => stop());
    },
    cancel() {
      stop();
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
    },
  });
}
