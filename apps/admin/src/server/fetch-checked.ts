import { TRPCError } from "@trpc/server";
import type { z } from "zod";

/**
 * GETs JSON from one of the services the console reads (the trace store, analytics) and checks it
 * against `schema` before the browser sees it. A 404 is undefined when `isNotFoundAnAnswer` (the trace
 * store's "no such trace"); no answer, a failure status or an answer of the wrong shape is
 * INTERNAL_SERVER_ERROR naming the service: `name` as the sentence's subject ("the trace store"),
 * `where` as the address it was asked at.
 */
interface CheckedRequest {
  name: string;
  where: string;
  url: string;
  headers?: Record<string, string>;
  isNotFoundAnAnswer?: boolean;
}

export function fetchChecked<T>(
  request: CheckedRequest & { isNotFoundAnAnswer: true },
  schema: z.ZodType<T>,
): Promise<T | undefined>;
export function fetchChecked<T>(request: CheckedRequest, schema: z.ZodType<T>): Promise<T>;
export async function fetchChecked<T>(request: CheckedRequest, schema: z.ZodType<T>): Promise<T | undefined> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      ...(request.headers === undefined ? {} : { headers: request.headers }),
      signal: AbortSignal.timeout(5_000),
    });
  } catch (error) {
    throw new TRPCError({
      code: "INTERNAL_SERVER_ERROR",
      message: `${request.name} at ${request.where} did not answer: ${
        error instanceof Error ? error.message : String(error)
      }`,
    });
  }
  if (response.status === 404 && request.isNotFoundAnAnswer === true) return undefined;
  if (!response.ok) {
    throw new TRPCError({
      code: "INTERNAL_SERVER_ERROR",
      message: `${request.name} answered ${response.status}: ${(await response.text()).slice(0, 300)}`,
    });
  }
  const parsed = schema.safeParse(await response.json());
  if (!parsed.success) {
    throw new TRPCError({
      code: "INTERNAL_SERVER_ERROR",
      message: `${request.name}${request.name.endsWith("s") ? "'" : "'s"} answer was not understood`,
    });
  }
  return parsed.data;
}
