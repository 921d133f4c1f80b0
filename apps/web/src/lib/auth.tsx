"use client";

import type { UserView } from "@gochat/api";
import { useRouter } from "next/navigation";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { createApiClient, type ApiClient } from "./api";
import { clearOutbox } from "./outbox";
import { useEndpoints } from "./runtime-config";
import { sendTracerFor } from "./send-tracing";
import {
  clearSession,
  loadSession,
  onSessionChange,
  saveSession,
  updateSessionUser,
  type Session,
} from "./session";

interface Auth {
  /** Undefined until read from storage on the client, null when signed out. */
  session: Session | null | undefined;
  api: ApiClient;
  signIn: (username: string, password: string) => Promise<void>;
  signUp: (username: string, displayName: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
  setUser: (user: UserView) => void;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const { apiUrl, tracing } = useEndpoints();
  const router = useRouter();
  const [session, setSession] = useState<Session | null | undefined>(undefined);

  useEffect(() => {
    setSession(loadSession());
    // Another tab signed in, refreshed or signed out: follow it.
    return onSessionChange((next) => {
      setSession((current) => (current?.user.id === next?.user.id && next !== null ? current : next));
    });
  }, []);

  // useEndpoints builds its answer anew on every render: the client is kept by the values it depends on,
  // or every render would make a new one (and a new chat controller with it).
  const traceUrl = tracing?.url;
  const traceRatio = tracing?.sampleRatio;
  const api = useMemo(
    () =>
      createApiClient(
        apiUrl,
        () => {
          clearSession();
          setSession(null);
        },
        sendTracerFor(
          traceUrl === undefined || traceRatio === undefined
            ? null
            : { url: traceUrl, sampleRatio: traceRatio },
        ),
      ),
    [apiUrl, traceUrl, traceRatio],
  );

  const signIn = useCallback(
    async (username: string, password: string) => {
      const tokens = await api.anonymous.auth.signIn.mutate({ username, password });
      saveSession(tokens);
      setSession(tokens);
      router.replace("/chat");
    },
    [api, router],
  );

  const signUp = useCallback(
    async (username: string, displayName: string, password: string) => {
      const tokens = await api.anonymous.auth.signUp.mutate({ username, displayName, password });
      saveSession(tokens);
      setSession(tokens);
      router.replace("/chat");
    },
    [api, router],
  );

  const signOut = useCallback(async () => {
    const current = loadSession();
    clearSession();
    // Unsent messages of this tab are not sent after the person has signed out.
    if (current !== null) clearOutbox(current.user.id);
    setSession(null);
    router.replace("/sign-in");
    // Revoking the refresh token is best effort: the local session is gone either way.
    if (current !== null)
      await api.anonymous.auth.signOut.mutate({ refreshToken: current.refreshToken }).catch(() => undefined);
  }, [api, router]);

  const setUser = useCallback((user: UserView) => {
    updateSessionUser(user);
    setSession((current) => (current ? { ...current, user } : current));
  }, []);

  const value = useMemo<Auth>(
    () => ({ session, api, signIn, signUp, signOut, setUser }),
    [session, api, signIn, signUp, signOut, setUser],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (auth === null) throw new Error("useAuth outside AuthProvider");
  return auth;
}
