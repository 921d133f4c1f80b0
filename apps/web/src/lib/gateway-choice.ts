/**
 * Which gateway instance a tab connects to. Tabs spread across the configured instances at random and
 * keep their choice for the life of the tab (sessionStorage); `?gateway=<id>` pins a tab to an instance,
 * which is how an operator (or a test) reaches a particular one. When an instance cannot be reached the
 * tab moves on to the next.
 */
export interface GatewayEndpoint {
  id: string;
  url: string;
}

const STORAGE_KEY = "gochat.gateway";

export function resolveHost(template: string, host: string): string {
  return template.replaceAll("{host}", host);
}

export function pickGateway(
  gateways: readonly GatewayEndpoint[],
  options: { requested: string | null; remembered: string | null; random: number },
): GatewayEndpoint {
  if (gateways.length === 0) throw new Error("no gateways configured");
  const byId = (id: string | null) => gateways.find((gateway) => gateway.id === id);
  return (
    byId(options.requested) ??
    byId(options.remembered) ??
    gateways[Math.floor(options.random * gateways.length) % gateways.length] ??
    (gateways[0] as GatewayEndpoint)
  );
}

export function nextGateway(gateways: readonly GatewayEndpoint[], current: GatewayEndpoint): GatewayEndpoint {
  const index = gateways.findIndex((gateway) => gateway.id === current.id);
  return gateways[(index + 1) % gateways.length] ?? current;
}

export function chooseGatewayForTab(gateways: readonly GatewayEndpoint[]): GatewayEndpoint {
  const requested = new URLSearchParams(window.location.search).get("gateway");
  const chosen = pickGateway(gateways, {
    requested,
    remembered: window.sessionStorage.getItem(STORAGE_KEY),
    random: Math.random(),
  });
  rememberGateway(chosen);
  return chosen;
}

export function rememberGateway(gateway: GatewayEndpoint): void {
  window.sessionStorage.setItem(STORAGE_KEY, gateway.id);
}
