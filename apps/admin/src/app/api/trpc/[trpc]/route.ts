import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createConsoleContext } from "../../../../server/context";
import { consoleRouter } from "../../../../server/root";

export const dynamic = "force-dynamic";

function handle(request: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: consoleRouter,
    createContext: ({ resHeaders }) => createConsoleContext(request, resHeaders),
  });
}

export { handle as GET, handle as POST };
