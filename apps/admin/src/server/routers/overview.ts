import { worstStatus, type PartitionStatus } from "@gochat/kafka-insight";
import { readAdminEnv } from "../env";
import { kafkaError, latestReport } from "../kafka";
import { serviceMetrics } from "../service-metrics";
import { adminProcedure, router } from "../trpc";

async function probe(url: string): Promise<{ isReady: boolean; detail: string }> {
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1500) });
    return { isReady: response.ok, detail: `HTTP ${response.status}` };
  } catch (error) {
    return { isReady: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

export const overviewRouter = router({
  health: adminProcedure.query(async () => {
    const services = await Promise.all(
      readAdminEnv().GOCHAT_ADMIN_SERVICES.map(async (service) => ({
        ...service,
        ...(await probe(service.url)),
      })),
    );
    let groups: { total: number; worst: PartitionStatus; worstGroup: string | null } | null;
    try {
      const report = await latestReport();
      const worst = worstStatus(report.groups.map((group) => group.status));
      groups = {
        total: report.groups.length,
        worst,
        worstGroup: report.groups.find((group) => group.status === worst && worst !== "OK")?.groupId ?? null,
      };
    } catch {
      groups = null;
    }
    return { services, groups, kafkaError: kafkaError() ?? null, checkedAt: Date.now() };
  }),

  /** Messages per second, delivery latency, online users and the pipeline probe, from the services' metrics. */
  figures: adminProcedure.query(() => serviceMetrics().figures()),
});
