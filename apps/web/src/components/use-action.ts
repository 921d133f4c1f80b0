"use client";

import type { ErrorCode } from "@gochat/contracts";
import { useCallback, useState } from "react";
import { errorCode } from "../lib/api";

/** Runs a mutation, tracking whether it is in flight and the error code it failed with. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorCode | null>(null);
  const run = useCallback(async <T>(task: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await task();
    } catch (failure) {
      setError(errorCode(failure));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, setError };
}
