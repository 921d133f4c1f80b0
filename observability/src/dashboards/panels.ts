import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import {
  LegendDisplayMode,
  LegendPlacement,
  VizLegendOptionsBuilder,
} from "@grafana/grafana-foundation-sdk/common";
import {
  DashboardBuilder,
  DashboardLinkBuilder,
  DashboardLinkType,
  type Dashboard,
  type Panel,
} from "@grafana/grafana-foundation-sdk/dashboard";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import { PanelBuilder as StatPanel } from "@grafana/grafana-foundation-sdk/stat";
import { PanelBuilder as TimeseriesPanel } from "@grafana/grafana-foundation-sdk/timeseries";

/** The datasources provisioned beside the dashboards (grafana/provisioning/datasources/gochat.yml). */
export const PROMETHEUS_DATASOURCE = { type: "prometheus", uid: "gochat-prometheus" } as const;
export const TEMPO_DATASOURCE = { type: "tempo", uid: "gochat-tempo" } as const;

export interface Query {
  expr: string;
  legend?: string;
}

export interface PanelSpec {
  title: string;
  description: string;
  unit: string;
  queries: Query[];
  kind?: "timeseries" | "stat";
  /** Grid columns out of 24. */
  width?: number;
}

function target(query: Query, index: number) {
  return (
    new DataqueryBuilder()
      .datasource(PROMETHEUS_DATASOURCE)
      .refId(String.fromCharCode(65 + index))
      .expr(query.expr)
      .legendFormat(query.legend ?? "__auto")
      // Exemplars lead from a latency point to its trace where the backend stores them.
      .exemplar(true)
  );
}

function panel(spec: PanelSpec, id: number): cog.Builder<Panel> {
  const builder =
    spec.kind === "stat"
      ? new StatPanel()
      : new TimeseriesPanel().legend(
          new VizLegendOptionsBuilder()
            .showLegend(true)
            .displayMode(LegendDisplayMode.List)
            .placement(LegendPlacement.Bottom),
        );
  builder
    .id(id)
    .title(spec.title)
    .description(spec.description)
    .unit(spec.unit)
    .datasource(PROMETHEUS_DATASOURCE)
    .height(spec.kind === "stat" ? 4 : 8)
    .span(spec.width ?? (spec.kind === "stat" ? 6 : 12));
  spec.queries.forEach((query, index) => builder.withTarget(target(query, index)));
  return builder;
}

/** A provisioning-ready dashboard: panels numbered from 1 in order, laid out left to right. */
export function dashboard(options: {
  uid: string;
  title: string;
  description: string;
  panels: PanelSpec[];
}): Dashboard {
  const builder = new DashboardBuilder(options.title)
    .uid(options.uid)
    .description(options.description)
    .tags(["gochat"])
    .refresh("10s")
    .time({ from: "now-30m", to: "now" })
    .timezone("browser")
    .readonly()
    .link(
      new DashboardLinkBuilder("GoChat")
        .type(DashboardLinkType.Dashboards)
        .tags(["gochat"])
        .asDropdown(true)
        .includeVars(false)
        .keepTime(true),
    );
  options.panels.forEach((spec, index) => builder.withPanel(panel(spec, index + 1)));
  return builder.build();
}

/** `histogram_quantile` over a histogram's buckets, by the labels given. */
export function quantile(q: number, bucket: string, by: string[] = [], filter = ""): string {
  const labels = ["le", ...by].join(", ");
  return `histogram_quantile(${q}, sum by (${labels}) (rate(${bucket}${filter}[$__rate_interval])))`;
}
