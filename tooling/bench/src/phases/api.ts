import type { AppRouter } from "@gochat/api";
import { createTRPCClient, httpLink } from "@trpc/client";

/** im-repo's public tRPC API, as the chat client calls it. */
export function apiClient(repoUrl: string, accessToken?: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: repoUrl,
        headers: () => (accessToken === undefined ? {} : { authorization: `Bearer ${accessToken}` }),
      }),
    ],
  });
}

/** Runs `task` for 0..count-1 with at most `concurrency` running at once, in index order of start. */
export async function inParallel<T>(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
