import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { readStartEnv } from "@gochat/backend/start-env";
import { planServices } from "@gochat/backend/service-plan";
import { DASHBOARDS } from "./dashboards/index";
import { prometheusConfig } from "./prometheus-config";

/** Writes the generated files: the Prometheus configuration for `npm start`'s ports, and the dashboards. */
const root = join(import.meta.dirname, "..");
const write = async (path: string, text: string) => {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
};
await write("prometheus/prometheus.yml", prometheusConfig(planServices(readStartEnv({}))));
for (const dashboard of DASHBOARDS) {
  await write(`grafana/dashboards/${dashboard.uid}.json`, `${JSON.stringify(dashboard, null, 2)}\n`);
}
