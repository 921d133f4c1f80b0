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
  const data = health.data;
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
                </li>
              ))}
            </ul>
          </section>
        </>
      ) : null}
    </>
  );
}
