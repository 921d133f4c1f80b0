import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { gatewaysDashboard } from "./gateways";
import { kafkaDashboard } from "./kafka";
import { notificationsDashboard } from "./notifications";
import { overviewDashboard } from "./overview";
import { runtimeDashboard } from "./runtime";

export interface BuiltDashboard extends Dashboard {
  uid: string;
}

/** Every GoChat dashboard, as written to grafana/dashboards/<uid>.json. */
export const DASHBOARDS: BuiltDashboard[] = [
  overviewDashboard(),
  kafkaDashboard(),
  gatewaysDashboard(),
  runtimeDashboard(),
  notificationsDashboard(),
].map((d) => {
  if (d.uid === undefined) throw new Error(`dashboard ${d.title} has no uid`);
  return d as BuiltDashboard;
});

/** Every Prometheus expression of every panel, with where it sits: what the tests check. */
export function panelQueries(dashboards: readonly Dashboard[] = DASHBOARDS) {
  return dashboards.flatMap((d) =>
    (d.panels ?? []).flatMap((p) =>
      ("targets" in p ? (p.targets ?? []) : []).map((t) => ({
        dashboard: d.uid ?? "",
        panel: "title" in p ? (p.title ?? "") : "",
        expr: (t as { expr?: string }).expr ?? "",
        datasource: (t as { datasource?: { uid?: string } }).datasource?.uid,
      })),
    ),
  );
}
