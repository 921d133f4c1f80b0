/**
 * Where the end-to-end system listens. Fixed ports well away from `npm start`'s defaults, so the suite
 * runs beside a developer's own instance; E2E_PORT_BASE moves all of them at once.
 */
export interface E2ePorts {
  web: number;
  broker: number;
  repo: number;
  gateways: { id: string; port: number }[];
}

export function readE2ePorts(source: Record<string, string | undefined> = process.env): E2ePorts {
  const raw = source.E2E_PORT_BASE ?? "27000";
  const base = Number(raw);
  if (!Number.isInteger(base) || base < 1024 || base > 60000) {
    throw new Error(`E2E_PORT_BASE must be a whole number between 1024 and 60000, not "${raw}"`);
  }
  // im-repo serves health on +100, the workers on +110..+113 and analytics on +200; gateways on their port +100.
  return {
    web: base + 300,
    broker: base + 2092,
    repo: base,
    gateways: [
      { id: "gw-1", port: base + 1 },
      { id: "gw-2", port: base + 2 },
    ],
  };
}

export function inheritedEnv(): Record<string, string | undefined> {
  return { ...process.env };
}
