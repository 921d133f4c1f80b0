"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { QueryState } from "../../components/query-state";
import { StatusBadge } from "../../components/status-badge";
import { useI18n } from "../../lib/i18n";
import { useTRPC } from "../../lib/trpc";

export default function OverviewPage() {
  const { t, formatTime } = useI18n();
  const trpc = useTRPC();
  const health = useQuery(trpc.overview.health.queryOptions(undefined, { refetchInterval: 5_000 }));
  const figures = useQuery(trpc.overview.figures.queryOptions(undefined, { refetchInterval: 5_000 }));
  const data = health.data;
  const traffic = figures.data;
  const gatewayOf = (name: string) => traffic?.services.find((service) => service.name === name);
  const ms = (value: number | null) => (value === null ? "—" : `${value.toFixed(value < 10 ? 1 : 0)} ms`);
  return (
    <>
      <h1>{t("nav.overview")}</h1>
      <QueryState isLoading={health.isLoading} error={health.error} />
      {data ? (
        <>
          <p className="muted">{t("common.updated", { time: formatTime(data.checkedAt) })}</p>
          {data.kafkaError !== null ? (
            <p role="alert" className="error">
              {t("overview.kafkaDown", { message: data.kafkaError })}
            </p>
          ) : null}
          <section aria-labelledby="traffic-heading" className="card">
            <h2 id="traffic-heading">{t("overview.traffic")}</h2>
            <QueryState isLoading={figures.isLoading} error={figures.error} />
            {traffic ? (
              <dl className="figures">
                <div>
                  <dt>{t("overview.messagesPerSecond")}</dt>
                  <dd data-testid="messages-per-second">
                    {traffic.messagesPerSecond === null ? "—" : traffic.messagesPerSecond.toFixed(1)}
                  </dd>
                </div>
                <div>
                  <dt>{t("overview.delivery")}</dt>
                  <dd data-testid="delivery-latency">
                    {t("overview.p50p99", { p50: ms(traffic.deliveryP50Ms), p99: ms(traffic.deliveryP99Ms) })}
                  </dd>
                </div>
                <div>
                  <dt>{t("overview.online")}</dt>
                  <dd data-testid="online-users">
                    {t("overview.onlineValue", {
                      users: traffic.onlineUsers ?? "—",
                      connections: traffic.connections ?? "—",
                    })}
                  </dd>
                </div>
                <div>
                  <dt>{t("overview.probe")}</dt>
                  <dd data-testid="probe">
                    {traffic.probe === null
                      ? "—"
                      : t("overview.probeValue", {
                          ok: traffic.probe.ok,
                          failed: traffic.probe.failed,
                          roundTrip: ms(traffic.probe.meanRoundTripMs),
                        })}
                  </dd>
                </div>
              </dl>
            ) : null}
            <p className="muted">
              {traffic === undefined || traffic.windowMs === 0
                ? t("overview.measuring")
                : t("overview.window", { seconds: Math.round(traffic.windowMs / 1000) })}
            </p>
          </section>
          <section aria-labelledby="groups-heading" className="card">
            <h2 id="groups-heading">{t("overview.groups")}</h2>
            {data.groups ? (
              <p data-testid="worst-status">
                <Link href="/groups">{t("overview.groupCount", { count: data.groups.total })}</Link>
                {" · "}
                {t("overview.worst", { status: "" })}
                <StatusBadge status={data.groups.worst} />
                {data.groups.worstGroup !== null ? (
                  <>
                    {" "}
                    <Link href={`/groups/${encodeURIComponent(data.groups.worstGroup)}`}>
                      {t("overview.worstGroup", { group: data.groups.worstGroup })}
                    </Link>
                  </>
                ) : null}
              </p>
            ) : null}
          </section>
          <section aria-labelledby="services-heading" className="card">
            <h2 id="services-heading">{t("overview.services")}</h2>
            <ul className="services">
              {data.services.map((service) => (
                <li key={service.name} data-service={service.name} data-ready={service.isReady}>
                  <span className={`dot ${service.isReady ? "ok" : "bad"}`} aria-hidden="true" />
                  <strong>{service.name}</strong>{" "}
                  <span>{service.isReady ? t("overview.ready") : t("overview.notReady")}</span>{" "}
                  <span className="muted">{service.detail}</span>
                  {gatewayOf(service.name)?.connections != null ? (
                    <span>
                      {" · "}
                      {t("overview.onlineValue", {
                        users: gatewayOf(service.name)?.users ?? "—",
                        connections: gatewayOf(service.name)?.connections ?? "—",
                      })}
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
          </section>
        </>
      ) : null}
    </>
  );
}
