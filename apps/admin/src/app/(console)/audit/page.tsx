"use client";

import { useQuery } from "@tanstack/react-query";
import { QueryState } from "../../../components/query-state";
import { useI18n } from "../../../lib/i18n";
import { useTRPC } from "../../../lib/trpc";

export default function AuditPage() {
  const { t, formatDateTime } = useI18n();
  const trpc = useTRPC();
  const entries = useQuery(trpc.audit.list.queryOptions({}, { refetchInterval: 5_000 }));
  return (
    <>
      <h1>{t("nav.audit")}</h1>
      <QueryState isLoading={entries.isLoading} error={entries.error} />
      {entries.data?.length === 0 ? <p>{t("audit.empty")}</p> : null}
      {entries.data && entries.data.length > 0 ? (
        <div className="table-wrap" role="region" aria-label={t("nav.audit")} tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("audit.when")}</th>
                <th scope="col">{t("audit.who")}</th>
                <th scope="col">{t("audit.action")}</th>
                <th scope="col">{t("audit.target")}</th>
                <th scope="col">{t("audit.details")}</th>
              </tr>
            </thead>
            <tbody>
              {entries.data.map((entry) => (
                <tr key={entry.id} data-action={entry.action}>
                  <td>{formatDateTime(entry.at)}</td>
                  <td>{entry.actorName}</td>
                  <td>
                    <code>{entry.action}</code>
                  </td>
                  <td>{entry.target}</td>
                  <td>
                    <code>{JSON.stringify(entry.details)}</code>
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
