"use client";

import type { NotificationView } from "@gochat/contracts";
import Link from "next/link";
import { useEffect } from "react";
import { useAction } from "../../../components/use-action";
import { useChat, useChatState } from "../../../lib/chat-context";
import { useI18n, type MessageKey } from "../../../lib/i18n";

const TITLES: Record<string, MessageKey> = {
  "group.invited": "notifications.groupInvited",
  "friend.request": "notifications.friendRequest",
  "friend.accepted": "notifications.friendAccepted",
  "group.announcement.updated": "notifications.announcement",
};

function text(payload: Record<string, unknown>, key: string): string {
  const value = payload[key];
  return typeof value === "string" || typeof value === "number" ? String(value) : "";
}

export default function NotificationsPage() {
  const controller = useChat();
  const { t, formatDay, formatTime } = useI18n();
  const { latest, unread } = useChatState((state) => state.notifications);
  const users = useChatState((state) => state.users);
  const { error, run } = useAction();

  useEffect(() => {
    void run(() => controller.refreshNotifications());
  }, [controller, run]);

  useEffect(() => {
    void controller.ensureUsers(
      latest.flatMap((n) => [text(n.payload, "inviter_id"), text(n.payload, "editor_id")]),
    );
  }, [controller, latest]);

  const markAll = () => run(() => controller.markNotificationsRead("all"));

  const describe = (notification: NotificationView): string => {
    const p = notification.payload;
    const who = (id: string) => users.get(id)?.displayName ?? t("common.someone");
    const group = text(p, "group_name") || t("common.aGroup");
    const key = TITLES[notification.type];
    if (key === undefined) return notification.type;
    return t(key, {
      inviter: who(text(p, "inviter_id")),
      editor: who(text(p, "editor_id")),
      requester: text(p, "requester_name") || t("common.someone"),
      accepter: text(p, "accepter_name") || t("common.someone"),
      group,
      announcement: text(p, "announcement"),
    });
  };

  const target = (notification: NotificationView): string | null => {
    const groupId = text(notification.payload, "group_id");
    if (notification.type.startsWith("group.") && groupId !== "") return `/chat/${groupId}`;
    if (notification.type.startsWith("friend.")) return "/friends";
    return null;
  };

  return (
    <div className="page">
      <div className="page-title">
        <h1>{t("notifications.title")}</h1>
        <button type="button" onClick={() => void markAll()} disabled={unread === 0}>
          {t("notifications.markAllRead")}
        </button>
      </div>
      {error !== null && (
        <p className="form-error" role="alert">
          {t(`error.${error}`)}
        </p>
      )}
      {latest.length === 0 ? (
        <p className="muted">{t("notifications.empty")}</p>
      ) : (
        <ul className="notifications">
          {latest.map((notification) => {
            const href = target(notification);
            const body = (
              <>
                <span>
                  {notification.readAt === null && (
                    <span className="visually-hidden">{t("notifications.unread")} </span>
                  )}
                  {describe(notification)}
                </span>
                <time className="muted" dateTime={new Date(notification.createdAt).toISOString()}>
                  {formatDay(notification.createdAt)} {formatTime(notification.createdAt)}
                </time>
              </>
            );
            return (
              <li
                key={notification.notificationId}
                data-testid="notification"
                data-type={notification.type}
                data-unread={notification.readAt === null}
              >
                {href === null ? (
                  <div className="notification">{body}</div>
                ) : (
                  <Link
                    className="notification"
                    href={href}
                    onClick={() => {
                      // Opening a notification reads it.
                      if (notification.readAt === null)
                        void run(() => controller.markNotificationsRead([notification.notificationId]));
                    }}
                  >
                    {body}
                  </Link>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
