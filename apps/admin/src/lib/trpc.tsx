"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useState, type ReactNode } from "react";
import type { ConsoleRouter } from "../server/root";

export const { TRPCProvider, useTRPC } = createTRPCContext<ConsoleRouter>();

/** The tRPC error code of a failed call, for the pages that react to UNAUTHORIZED or FORBIDDEN. */
export function errorCodeOf(error: unknown): string | undefined {
  return error instanceof TRPCClientError ? (error.data as { code?: string } | undefined)?.code : undefined;
}

export function ApiProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            staleTime: 2_000,
            retry: (count, error) => {
              const code = errorCodeOf(error);
              return code !== "UNAUTHORIZED" && code !== "FORBIDDEN" && code !== "NOT_FOUND" && count < 2;
            },
          },
        },
      }),
  );
  const [trpcClient] = useState(() =>
    createTRPCClient<ConsoleRouter>({ links: [httpBatchLink({ url: "/api/trpc" })] }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
