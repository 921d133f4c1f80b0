"use client";

import type { PartitionStatus } from "@gochat/kafka-insight/status";
import { useI18n } from "../lib/i18n";

export function StatusBadge({ status }: { status: PartitionStatus }) {
  const { t } = useI18n();
  return (
    <span className={`badge status-${status}`} data-status={status}>
      {t(`status.${status}`)}
    </span>
  );
}
