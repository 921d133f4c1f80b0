import type { PlannedService } from "@gochat/backend/service-plan";

export interface PrometheusConfigOptions {
  scrapeIntervalSeconds?: number;
  /** Rule files, relative to the configuration file. */
  ruleFiles?: readonly string[];
  /** The address services are scraped at; loopback, as `npm start` binds them. */
  host?: string;
}

/**
 * A Prometheus configuration scraping every service of the start command's plan, one job per service
 * and the gateway instance id as `instance`: generated from the same list the start command runs, so
 * a service added there is scraped too. YAML written by hand: the structure is small and fixed.
 */
export function prometheusConfig(
  plan: readonly PlannedService[],
  options: PrometheusConfigOptions = {},
): string {
  const interval = `${options.scrapeIntervalSeconds ?? 15}s`;
  const host = options.host ?? "127.0.0.1";
  const jobs = new Map<string, PlannedService[]>();
  for (const service of plan.filter((s) => s.hasMetrics)) {
    jobs.set(service.service, [...(jobs.get(service.service) ?? []), service]);
  }
  const lines = [
    "# Generated from the start command's service list (apps/backend/src/start/service-plan.ts):",
    "# npm run generate --workspace @gochat/observability",
    "global:",
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    "rule_files:",
    ...(options.ruleFiles ?? ["rules/gochat.rules.yml"]).map((file) => `  - ${JSON.stringify(file)}`),
    "scrape_configs:",
  ];
  for (const [job, services] of jobs) {
    lines.push(`  - job_name: ${JSON.stringify(job)}`, "    metrics_path: /metrics", "    static_configs:");
    for (const service of services) {
      lines.push(
        `      - targets: [${JSON.stringify(`${host}:${service.healthPort}`)}]`,
        "        labels:",
        `          instance: ${JSON.stringify(service.instance)}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}
