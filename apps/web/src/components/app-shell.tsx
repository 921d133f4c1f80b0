"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";
import { useAuth } from "../lib/auth";
import { ChatContext, useChatState } from "../lib/chat-context";
import { ChatController } from "../lib/chat-controller";
import { chooseGatewayForTab } from "../lib/gateway-choice";
import { useI18n } from "../lib/i18n";
import { useEndpoints } from "../lib/runtime-config";
import { sendTracerFor } from "../lib/send-tracing";
import { Avatar } from "./avatar";
import { ConnectionBanner } from "./connection-banner";
import { ConversationList } from "./conversation-list";
import { FlashMessages } from "./flash-messages";
import { LanguageSwitch } from "./language-switch";

/**
 * The signed-in frame: navigation, the conversation list and the live connection. It owns the one
 * ChatController of the tab, so the socket and the loaded timelines survive moving between pages.
 */
export function AppShell({ children }: { children: ReactNode }) {
  const { session, api } = useAuth();
  const { gateways, tracing } = useEndpoints();
  const router = useRouter();
  const [controller, setController] = useState<ChatController | null>(null);
  const userId = session?.user.id;

  useEffect(() => {
    if (session === null) router.replace("/sign-in");
  }, [session, router]);

  useEffect(() => {
    if (userId === undefined || session === null || session === undefined) return;
    const created = new ChatController(
      session.user,
      api,
      gateways,
      chooseGatewayForTab(gateways),
      sendTracerFor(tracing),
    );
    created.start();
    setController(created);
    return () => {
      created.stop();
      setController(null);
    };
    // One controller per signed-in user; token refreshes do not restart it.
  }, [userId, api]);

  if (controller === null) {
    return (
      <div className="app-loading" role="status">
        <span className="spinner" aria-hidden="true" />
      </div>
    );
  }
  return (
    <ChatContext.Provider value={controller}>
      <Frame>{children}</Frame>
    </ChatContext.Provider>
  );
}

function Frame({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { signOut } = useAuth();
  const pathname = usePathname();
  const me = useChatState((state) => state.me);
  const unread = useChatState((state) => state.notifications.unread);
  const inConversation = /^\/chat\/[^/]+/.test(pathname);
  const onChatList = pathname === "/chat";
  const nav = [
    { href: "/chat", label: t("nav.chats"), active: pathname.startsWith("/chat") },
    { href: "/friends", label: t("nav.friends"), active: pathname.startsWith("/friends") },
    { href: "/groups/new", label: t("nav.newGroup"), active: pathname.startsWith("/groups") },
    {
      href: "/notifications",
      label: t("nav.notifications"),
      active: pathname.startsWith("/notifications"),
      badge: unread,
    },
  ];

  return (
    <div className="shell" data-view={onChatList ? "list" : "detail"}>
      <a href="#main" className="skip-link">
        {t("common.skipToContent")}
      </a>
      <ConnectionBanner />
      <header className="topbar">
        <Link href="/chat" className="brand">
          <span className="logo" aria-hidden="true">
            G
          </span>
          GoChat
        </Link>
        <nav aria-label={t("nav.label")}>
          <ul>
            {nav.map((item) => (
              <li key={item.href}>
                <Link href={item.href} aria-current={item.active ? "page" : undefined}>
                  {item.label}
                  {item.badge !== undefined && item.badge > 0 && (
                    <span
                      className="badge"
                      data-testid="notification-badge"
                      aria-label={t("nav.unreadNotifications", { count: item.badge })}
                    >
                      {item.badge > 99 ? "99+" : item.badge}
                    </span>
                  )}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="topbar-end">
          <LanguageSwitch />
          <Link href="/profile" className="me" aria-label={t("nav.profile")}>
            <Avatar user={me} size={28} />
            <span className="me-name">{me.displayName}</span>
          </Link>
          <button type="button" className="ghost" onClick={() => void signOut()}>
            {t("auth.signOut")}
          </button>
        </div>
      </header>
      <div className="columns">
        {(pathname.startsWith("/chat") || pathname === "/") && (
          <aside className="sidebar" aria-label={t("chats.title")} data-hidden-on-phone={inConversation}>
            <ConversationList />
          </aside>
        )}
        <main id="main" className="content" tabIndex={-1}>
          {children}
        </main>
      </div>
      <FlashMessages />
    </div>
  );
}
