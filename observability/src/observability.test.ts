import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { planServices } from "@gochat/backend/service-plan";
import { readStartEnv } from "@gochat/backend/start-env";
import { METRICS, prometheusLabel, prometheusName, type MetricId } from "@gochat/telemetry/metrics";
import { describe, expect, it } from "vitest";
import { DASHBOARDS, panelQueries } from "./dashboards/index";
import { PROMETHEUS_DATASOURCE, TEMPO_DATASOURCE } from "./dashboards/panels";
import { prometheusConfig } from "./prometheus-config";
import { checkExpressions, promtool } from "./promtool";

const root = join(import.meta.dirname, "..");
const read = (path: string) => readFile(join(root, path), "utf8");

/** Every series name the catalogue's metrics are stored under, and every label they carry. */
const catalogueSeries = new Set([
  ...(Object.keys(METRICS) as MetricId[]).flatMap((id) =>
    METRICS[id].kind === "histogram"
      ? (["bucket", "sum", "count"] as const).map((part) => prometheusName(id, part))
      : [prometheusName(id)],
  ),
  ...Object.values(METRICS).flatMap((spec) => spec.attributes.map(prometheusLabel)),
]);
const gochatNames = (text: string) => [...text.matchAll(/\bgochat_[a-z_]+\b/g)].map((m) => m[0]);

describe("the Prometheus configuration", () => {
  it("is generated from the start command's services and committed as generated", async () => {
    const generated = prometheusConfig(planServices(readStartEnv({})));
    expect(await read("prometheus/prometheus.yml")).toBe(generated);
    for (const service of planServices(readStartEnv({})).filter((s) => s.hasMetrics)) {
      expect(generated).toContain(`"127.0.0.1:${service.healthPort}"`);
    }
    await promtool("check", "config", join(root, "prometheus/prometheus.yml"));
  });
});

describe("the alerting rules", () => {
  it("pass promtool's checks and unit tests, and query only metrics of the catalogue", async () => {
    await promtool("check", "rules", join(root, "prometheus/rules/gochat.rules.yml"));
    await promtool("test", "rules", join(root, "prometheus/rules/gochat.rules.test.yml"));
    const rules = await read("prometheus/rules/gochat.rules.yml");
    for (const name of gochatNames(rules)) expect(catalogueSeries, name).toContain(name);
  });
});

describe("the dashboards", () => {
  it("are committed as generated", async () => {
    for (const dashboard of DASHBOARDS) {
      expect(await read(`grafana/dashboards/${dashboard.uid}.json`)).toBe(
        `${JSON.stringify(dashboard, null, 2)}\n`,
      );
    }
  });

  it("have unique uids and panel ids, and refer only to provisioned datasources", async () => {
    const uids = DASHBOARDS.map((d) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const dashboard of DASHBOARDS) {
      const ids = (dashboard.panels ?? []).map((p) => p.id);
      expect(ids.every((id) => typeof id === "number")).toBe(true);
      expect(new Set(ids).size, dashboard.uid).toBe(ids.length);
    }
    const provisioned = await read("grafana/provisioning/datasources/gochat.yml");
    const provisionedUids = [...provisioned.matchAll(/^\s+uid: (\S+)$/gm)].map((m) => m[1]);
    expect(provisionedUids.sort()).toEqual([PROMETHEUS_DATASOURCE.uid, TEMPO_DATASOURCE.uid].sort());
    for (const dashboard of DASHBOARDS) {
      for (const panel of dashboard.panels ?? []) {
        const datasource = "datasource" in panel ? panel.datasource?.uid : undefined;
        expect(provisionedUids, `${dashboard.uid} ${String(panel.id)}`).toContain(datasource);
      }
    }
    for (const query of panelQueries()) expect(provisionedUids).toContain(query.datasource);
  });

  it("ask Prometheus only valid PromQL about metrics that exist", async () => {
    const queries = panelQueries();
    expect(queries.length).toBeGreaterThan(30);
    await checkExpressions(queries.map((q) => q.expr));
    for (const query of queries) {
      for (const name of gochatNames(query.expr))
        expect(catalogueSeries, `${query.panel}: ${name}`).toContain(name);
    }
  });
});

describe("ARCHITECTURE.md", () => {
  it("lists every metric of the catalogue", async () => {
    const map = await readFile(join(root, "../ARCHITECTURE.md"), "utf8");
    for (const spec of Object.values(METRICS)) expect(map, spec.name).toContain(`\`${spec.name}\``);
  });
});
