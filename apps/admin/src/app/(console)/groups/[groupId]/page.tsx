"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { use } from "react";
import { LagChart } from "../../../../components/lag-chart";
import { QueryState } from "../../../../components/query-state";
import { ResetOffsets } from "../../../../components/reset-offsets";
import { StatusBadge } from "../../../../components/status-badge";
import { formatSeconds } from "../../../../lib/format";
import { useI18n } from "../../../../lib/i18n";
import { useTRPC } from "../../../../lib/trpc";

export default function GroupPage({ params }: { params: Promise<{ groupId: string }> }) {
  const { groupId: encoded } = use(params);
  const groupId = decodeURIComponent(encoded);
  const { t, formatTime } = useI18n();
  const trpc = useTRPC();
  const detail = useQuery(trpc.groups.detail.queryOptions({ groupId }));
  const data = detail.data;
  return (
    <>
      <p>
        <Link href="/groups">← {t("group.back")}</Link>
      </p>
      <h1>{groupId}</h1>
      <QueryState isLoading={detail.isLoading} error={detail.error} />
      {data ? (
        <>
          <p className="summary" data-testid="group-summary">
            <StatusBadge status={data.summary.status} /> {t("groups.state")}:{" "}
            <span data-field="state">{data.summary.state}</span> · {t("groups.members")}:{" "}
            {data.summary.members} · {t("groups.lag")}: <span data-field="lag">{data.summary.totalLag}</span>{" "}
            · {t("groups.lagSeconds")}: {formatSeconds(data.summary.maxLagSeconds)} ·{" "}
            <span className="muted">{t("common.updated", { time: formatTime(data.atMs) })}</span>
          </p>
          <section className="card" aria-labelledby="history-heading">
            <h2 id="history-heading">{t("group.history")}</h2>
            <LagChart points={data.history} />
          </section>
          <section className="card" aria-labelledby="partitions-heading">
            <h2 id="partitions-heading">{t("group.partitions")}</h2>
            <div className="table-wrap" role="region" aria-label={groupId} tabIndex={0}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("group.topic")}</th>
                    <th scope="col" className="num">
                      {t("group.partition")}
                    </th>
                    <th scope="col" className="num">
                      {t("group.committed")}
                    </th>
                    <th scope="col" className="num">
                      {t("group.logEnd")}
                    </th>
                    <th scope="col" className="num">
                      {t("groups.lag")}
                    </th>
                    <th scope="col" className="num">
                      {t("groups.lagSeconds")}
                    </th>
                    <th scope="col">{t("groups.status")}</th>
                    <th scope="col">{t("group.owner")}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.partitions.map((p) => (
                    <tr key={`${p.topic}-${p.partition}`}>
                      <td>{p.topic}</td>
                      <td className="num">{p.partition}</td>
                      <td className="num" data-field="committed">
                        {p.committedOffset ?? <em>{t("groups.noCommit")}</em>}
                      </td>
                      <td className="num">{p.logEndOffset}</td>
                      <td className="num">{p.lag ?? "—"}</td>
                      <td className="num">
                        {p.lagSecondsIsLowerBound ? "≥ " : ""}
                        {formatSeconds(p.lagSeconds)}
                      </td>
                      <td>
                        <StatusBadge status={p.status} />
                      </td>
                      <td>{p.owner ? `${p.owner.clientId} (${p.owner.host})` : "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section className="card" aria-labelledby="members-heading">
            <h2 id="members-heading">{t("group.membersTitle")}</h2>
            {data.members.length === 0 ? (
              <p>{t("common.none")}</p>
            ) : (
              <ul>
                {data.members.map((member) => (
                  <li key={member.memberId}>
                    <strong>{member.clientId}</strong> · {t("group.host")}: {member.host} ·{" "}
                    {t("group.assignment")}:{" "}
                    {Object.entries(member.assignment)
                      .map(([topic, partitions]) => `${topic} [${partitions.join(", ")}]`)
                      .join("; ") || "—"}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <ResetOffsets
            groupId={groupId}
            topics={data.summary.topics}
            isInactive={data.summary.members === 0}
          />
        </>
      ) : null}
    </>
  );
}
