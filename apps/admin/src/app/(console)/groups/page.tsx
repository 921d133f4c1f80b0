"use client";

import { compareStatus } from "@gochat/kafka-insight/status";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useState } from "react";
import { QueryState } from "../../../components/query-state";
import { StatusBadge } from "../../../components/status-badge";
import { formatSeconds } from "../../../lib/format";
import { useI18n } from "../../../lib/i18n";
import { useTRPC } from "../../../lib/trpc";

type SortKey = "lag" | "name" | "status";

export default function GroupsPage() {
  const { t, formatTime } = useI18n();
  const trpc = useTRPC();
  const list = useQuery(trpc.groups.list.queryOptions());
  const [text, setText] = useState("");
  const [state, setState] = useState("");
  const [sort, setSort] = useState<SortKey>("status");
  const groups = useMemo(() => {
    const all = list.data?.groups ?? [];
    const filtered = all.filter(
      (group) => group.groupId.includes(text.trim()) && (state === "" || group.state === state),
    );
    return filtered.sort((a, b) => {
      if (sort === "name") return a.groupId.localeCompare(b.groupId);
      if (sort === "lag") return b.totalLag - a.totalLag || a.groupId.localeCompare(b.groupId);
      return (
        compareStatus(b.status, a.status) || b.totalLag - a.totalLag || a.groupId.localeCompare(b.groupId)
      );
    });
  }, [list.data, text, state, sort]);
  const states = [...new Set((list.data?.groups ?? []).map((group) => group.state))].sort();
  return (
    <>
      <h1>{t("nav.groups")}</h1>
      <QueryState isLoading={list.isLoading} error={list.error} />
      {list.data ? (
        <p className="muted">{t("common.updated", { time: formatTime(list.data.atMs) })}</p>
      ) : null}
      <div className="filters">
        <label>
          {t("groups.filter")}
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <label>
          {t("groups.state")}
          <select value={state} onChange={(e) => setState(e.target.value)}>
            <option value="">{t("groups.anyState")}</option>
            {states.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("groups.sort")}
          <select value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
            <option value="status">{t("groups.sortStatus")}</option>
            <option value="lag">{t("groups.sortLag")}</option>
            <option value="name">{t("groups.sortName")}</option>
          </select>
        </label>
      </div>
      {list.data && groups.length === 0 ? <p>{t("groups.empty")}</p> : null}
      {groups.length > 0 ? (
        <div className="table-wrap" role="region" aria-label={t("nav.groups")} tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("groups.group")}</th>
                <th scope="col">{t("groups.service")}</th>
                <th scope="col">{t("groups.state")}</th>
                <th scope="col">{t("groups.members")}</th>
                <th scope="col" className="num">
                  {t("groups.lag")}
                </th>
                <th scope="col" className="num">
                  {t("groups.lagSeconds")}
                </th>
                <th scope="col">{t("groups.status")}</th>
              </tr>
            </thead>
            <tbody>
              {groups.map((group) => (
                <tr key={group.groupId} data-group={group.groupId}>
                  <th scope="row">
                    <Link href={`/groups/${encodeURIComponent(group.groupId)}`}>{group.groupId}</Link>
                  </th>
                  <td>{group.service ?? "—"}</td>
                  <td data-field="state">{group.state}</td>
                  <td className="num">{group.members}</td>
                  <td className="num" data-field="lag">
                    {group.totalLag}
                    {group.uncommittedPartitions > 0 ? (
                      <span className="muted">
                        {" "}
                        ({t("groups.uncommitted", { count: group.uncommittedPartitions })})
                      </span>
                    ) : null}
                  </td>
                  <td className="num">{formatSeconds(group.maxLagSeconds)}</td>
                  <td data-field="status">
                    <StatusBadge status={group.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {list.data && list.data.orphanedTopics.length > 0 ? (
        <section className="card" aria-labelledby="orphans-heading">
          <h2 id="orphans-heading">{t("groups.orphaned")}</h2>
          <p className="muted">{t("groups.orphanedHelp")}</p>
          <ul>
            {list.data.orphanedTopics.map((orphan) => (
              <li key={orphan.topic}>
                <code>{orphan.topic}</code> ({orphan.groupState ?? "—"})
                {orphan.unreadRecords !== null
                  ? ` · ${t("groups.unread", { count: orphan.unreadRecords })}`
                  : ""}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
