"use client";

import { useQuery } from "@tanstack/react-query";
import { QueryState } from "../../../components/query-state";
import { formatDuration } from "../../../lib/format";
import { useI18n } from "../../../lib/i18n";
import { useTRPC } from "../../../lib/trpc";

export default function FanoutPage() {
  const { t, formatDateTime } = useI18n();
  const trpc = useTRPC();
  // A running task's progress moves by the second; the list refreshes while one runs.
  const tasks = useQuery(
    trpc.fanout.list.queryOptions(
      {},
      {
        refetchInterval: (query) =>
          query.state.data?.some((task) => task.status === "running" || task.status === "pending")
            ? 1_000
            : 5_000,
      },
    ),
  );
  return (
    <>
      <h1>{t("nav.fanout")}</h1>
      <QueryState isLoading={tasks.isLoading} error={tasks.error} />
      {tasks.data?.length === 0 ? <p>{t("fanout.empty")}</p> : null}
      {tasks.data && tasks.data.length > 0 ? (
        <div className="table-wrap" role="region" aria-label={t("nav.fanout")} tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("fanout.task")}</th>
                <th scope="col">{t("fanout.group")}</th>
                <th scope="col">{t("fanout.status")}</th>
                <th scope="col">{t("fanout.progress")}</th>
                <th scope="col">{t("fanout.byGateway")}</th>
                <th scope="col">{t("fanout.duration")}</th>
              </tr>
            </thead>
            <tbody>
              {tasks.data.map((task) => (
                <tr key={task.id} data-task={task.id} data-message-id={task.messageId}>
                  <th scope="row">
                    <code>{task.id}</code>
                    <div className="muted">{formatDateTime(task.createdAt)}</div>
                    <a href={`/traces?fanoutTaskId=${encodeURIComponent(task.id)}`}>{t("fanout.trace")}</a>
                  </th>
                  <td>{task.groupId}</td>
                  <td data-field="status">{task.status}</td>
                  <td>
                    <progress max={Math.max(1, task.totalRecipients)} value={task.processedRecipients} />
                    <div>
                      {t("fanout.recipients", {
                        done: task.processedRecipients,
                        total: task.totalRecipients,
                        online: task.onlineRecipients,
                      })}
                      {" · "}
                      {t("fanout.batches", { done: task.batchesDone, total: task.batchesTotal })}
                    </div>
                  </td>
                  <td data-field="by-gateway">
                    {Object.keys(task.deliveriesByGateway).length === 0 ? (
                      "—"
                    ) : (
                      <ul className="plain">
                        {Object.entries(task.deliveriesByGateway)
                          .sort(([a], [b]) => a.localeCompare(b))
                          .map(([gateway, count]) => (
                            <li key={gateway} data-gateway={gateway}>
                              {t("fanout.gatewayCount", { gateway, count })}
                            </li>
                          ))}
                      </ul>
                    )}
                  </td>
                  <td>{formatDuration(task.startedAt, task.finishedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
