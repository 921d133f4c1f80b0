"use client";

import { createContext, useContext, useSyncExternalStore } from "react";
import type { ChatController } from "./chat-controller";
import type { ChatState } from "./chat-store";

export const ChatContext = createContext<ChatController | null>(null);

export function useChat(): ChatController {
  const controller = useContext(ChatContext);
  if (controller === null) throw new Error("useChat outside the signed-in shell");
  return controller;
}

/** Subscribes to one slice of the chat store; the component re-renders only when that slice changes. */
export function useChatState<T>(select: (state: ChatState) => T): T {
  const { store } = useChat();
  return useSyncExternalStore(
    store.subscribe,
    () => select(store.getState()),
    () => select(store.getState()),
  );
}
