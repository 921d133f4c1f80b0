"use client";

import { useI18n } from "../lib/i18n";

/** The one way pages show loading and failure, announced to screen readers. */
export function QueryState({ isLoading, error }: { isLoading: boolean; error: { message: string } | null }) {
  const { t } = useI18n();
  if (error !== null) {
    return (
      <p role="alert" className="error">
        {t("common.error", { message: error.message })}
      </p>
    );
  }
  return isLoading ? <p role="status">{t("common.loading")}</p> : null;
}
