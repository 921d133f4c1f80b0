"use client";

import { useI18n } from "../../../lib/i18n";

export default function ChatsPage() {
  const { t } = useI18n();
  return (
    <div className="empty-state">
      <h1>{t("chats.pickTitle")}</h1>
      <p className="muted">{t("chats.pickHint")}</p>
    </div>
  );
}
