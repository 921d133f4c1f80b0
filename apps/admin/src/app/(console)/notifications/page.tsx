"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { QueryState } from "../../../components/query-state";
import { useI18n } from "../../../lib/i18n";
import { useTRPC } from "../../../lib/trpc";

/** Counts of the last day, and the failed e-mails with their retry state and a retry button. */
export default function NotificationsPage() {
  const { t, formatDateTime } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const summary = useQuery(trpc.notifications.summary.queryOptions({}, { refetchInterval: 5_000 }));
  const failed = useQuery(
    trpc.notifications.failedEmails.queryOptions(undefined, { refetchInterval: 2_000 }),
  );
  const retry = useMutation(
    trpc.notifications.retryEmail.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.notifications.pathKey() }),
    }),
  );
  return (
    <>
      <h1>{t("nav.notifications")}</h1>
      <p className="muted">{t("notifications.window")}</p>
      <QueryState isLoading={summary.isLoading} error={summary.error} />
      {summary.data ? (
        <div className="columns">
          <section aria-labelledby="by-type">
            <h2 id="by-type">{t("notifications.byType")}</h2>
            {summary.data.byType.length === 0 ? (
              <p>{t("common.none")}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("notifications.type")}</th>
                    <th scope="col">{t("notifications.count")}</th>
                  </tr>
                </thead>
                <tbody>
                  {summary.data.byType.map((row) => (
                    <tr key={row.type}>
                      <th scope="row">{row.type}</th>
                      <td>{row.count}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section aria-labelledby="by-delivery">
            <h2 id="by-delivery">{t("notifications.byDelivery")}</h2>
            {summary.data.byDelivery.length === 0 ? (
              <p>{t("common.none")}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("notifications.channel")}</th>
                    <th scope="col">{t("notifications.outcome")}</th>
                    <th scope="col">{t("notifications.count")}</th>
                  </tr>
                </thead>
                <tbody>
                  {summary.data.byDelivery.map((row) => (
                    <tr key={`${row.channel}/${row.status}`} data-delivery={`${row.channel}/${row.status}`}>
                      <th scope="row">{row.channel}</th>
                      <td>{row.status}</td>
                      <td>{row.count}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </div>
      ) : null}

      <h2>{t("notifications.failed")}</h2>
      <p>{t("notifications.failedBody")}</p>
      <div role="status">
        {retry.isSuccess ? t("notifications.retryScheduled") : null}
        {retry.error ? t("notifications.retryFailed", { message: retry.error.message }) : null}
      </div>
      <QueryState isLoading={failed.isLoading} error={failed.error} />
      {failed.data?.length === 0 ? <p>{t("notifications.noneFailed")}</p> : null}
      {failed.data && failed.data.length > 0 ? (
        <div className="table-wrap" role="region" aria-label={t("notifications.failed")} tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("notifications.user")}</th>
                <th scope="col">{t("notifications.type")}</th>
                <th scope="col">{t("notifications.attempts")}</th>
                <th scope="col">{t("notifications.lastError")}</th>
                <th scope="col">{t("notifications.next")}</th>
                <th scope="col">{t("notifications.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {failed.data.map((row) => (
                <tr key={row.notificationId} data-notification={row.notificationId}>
                  <th scope="row">
                    {row.username}
                    <div className="muted">{row.email ?? "—"}</div>
                  </th>
                  <td>
                    {row.type}
                    <div className="muted">{formatDateTime(row.createdAt)}</div>
                  </td>
                  <td data-field="attempts">{row.attempts}</td>
                  <td>{row.lastError ?? "—"}</td>
                  <td data-field="next">
                    {row.nextAttemptAt === null
                      ? t("notifications.gaveUp")
                      : formatDateTime(row.nextAttemptAt)}
                  </td>
                  <td>
                    <button
                      type="button"
                      aria-label={t("notifications.retry", { user: row.username })}
                      disabled={retry.isPending}
                      onClick={() => retry.mutate({ notificationId: row.notificationId })}
                    >
                      {t("notifications.retryShort")}
                    </button>{" "}
                    <a href={`/traces?notificationId=${encodeURIComponent(row.notificationId)}`}>
                      {t("notifications.trace")}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
