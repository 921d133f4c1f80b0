"use client";

import { useChatState } from "../lib/chat-context";
import { useI18n } from "../lib/i18n";

/** Says when live updates are not flowing; silent while connected. */
export function ConnectionBanner() {
  const { t } = useI18n();
  const connection = useChatState((state) => state.connection);
  const gatewayId = useChatState((state) => state.gatewayId);
  return (
    <div
      className="connection-banner"
      data-state={connection}
      data-gateway={gatewayId ?? ""}
      data-testid="connection"
      role="status"
      aria-live="polite"
    >
      {connection === "online" ? "" : t(`connection.${connection}`)}
    </div>
  );
}
