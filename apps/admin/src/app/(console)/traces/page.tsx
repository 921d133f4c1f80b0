"use client";

import { useI18n } from "../../../lib/i18n";

/**
 * The seam for traces: the observability work's trace store serves an HTTP query API; once it is on
 * main, a `traces` router (server side) proxies its search and trace-by-id queries and this page shows
 * them, linked from groups, fan-out tasks and messages.
 */
export default function TracesPage() {
  const { t } = useI18n();
  return (
    <>
      <h1>{t("traces.title")}</h1>
      <p>{t("traces.body")}</p>
    </>
  );
}
