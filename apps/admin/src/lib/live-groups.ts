"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { GroupSummary } from "../server/routers/groups";
import { useTRPC } from "./trpc";

export type LiveState = "connecting" | "live" | "reconnecting";

/**
 * Keeps the groups list (and whatever group detail is open) current from the server-sent `groups`
 * events: the list is replaced in the query cache, and an open detail is refetched. An `events` event
 * refetches the events page's stream.
 */
export function useLiveGroups(): LiveState {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>("connecting");
  useEffect(() => {
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let isClosed = false;
    const connect = () => {
      source = new EventSource("/api/live");
      source.addEventListener("hello", () => setState("live"));
      source.addEventListener("groups", (event) => {
        const data = JSON.parse((event as MessageEvent<string>).data) as {
          atMs: number;
          groups: GroupSummary[];
        };
        queryClient.setQueryData(trpc.groups.list.queryKey(), (previous) =>
          previous === undefined ? previous : { ...previous, atMs: data.atMs, groups: data.groups },
        );
        void queryClient.invalidateQueries({ queryKey: trpc.groups.detail.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.overview.health.queryKey() });
      });
      source.addEventListener("events", () => {
        void queryClient.invalidateQueries({ queryKey: trpc.events.list.queryKey() });
      });
      const reconnect = () => {
        source?.close();
        if (isClosed) return;
        setState("reconnecting");
        // An expired token is renewed by any API call; then the stream is opened again.
        void queryClient.invalidateQueries({ queryKey: trpc.session.me.queryKey() });
        retry = setTimeout(connect, 2_000);
      };
      source.addEventListener("unauthorized", reconnect);
      source.onerror = reconnect;
    };
    connect();
    return () => {
      isClosed = true;
      clearTimeout(retry);
      source?.close();
    };
  }, [queryClient, trpc]);
  return state;
}
