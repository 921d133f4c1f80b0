"use client";

import { createContext, useContext, type ReactNode } from "react";
import type { PublicConfig } from "../env";
import { resolveHost } from "./gateway-choice";

const ConfigContext = createContext<PublicConfig | null>(null);

export function ConfigProvider({ config, children }: { config: PublicConfig; children: ReactNode }) {
  return <ConfigContext.Provider value={config}>{children}</ConfigContext.Provider>;
}

/** The deployment's endpoints, with `{host}` resolved against the page's own host name. */
export function useEndpoints(): PublicConfig {
  const config = useContext(ConfigContext);
  if (config === null) throw new Error("useEndpoints outside ConfigProvider");
  const host = typeof window === "undefined" ? "localhost" : window.location.hostname;
  return {
    apiUrl: resolveHost(config.apiUrl, host),
    gateways: config.gateways.map((gateway) => ({ id: gateway.id, url: resolveHost(gateway.url, host) })),
    tracing:
      config.tracing === null ? null : { ...config.tracing, url: resolveHost(config.tracing.url, host) },
  };
}
