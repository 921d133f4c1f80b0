"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, type ReactNode } from "react";
import { useI18n, type MessageKey } from "../lib/i18n";
import { useLiveGroups } from "../lib/live-groups";
import { errorCodeOf, useTRPC } from "../lib/trpc";
import { LanguageSwitch } from "./language-switch";

const NAV: { href: string; label: MessageKey }[] = [
  { href: "/", label: "nav.overview" },
  { href: "/groups", label: "nav.groups" },
  { href: "/topics", label: "nav.topics" },
  { href: "/messages", label: "nav.messages" },
  { href: "/dead-letters", label: "nav.deadLetters" },
  { href: "/fanout", label: "nav.fanout" },
  { href: "/notifications", label: "nav.notifications" },
  { href: "/events", label: "nav.events" },
  { href: "/users", label: "nav.users" },
  { href: "/audit", label: "nav.audit" },
  { href: "/traces", label: "nav.traces" },
];

export function ConsoleShell({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const me = useQuery(trpc.session.me.queryOptions());
  const live = useLiveGroups();
  const signOut = useMutation(
    trpc.session.signOut.mutationOptions({ onSuccess: () => router.replace("/sign-in") }),
  );
  const code = me.error === null ? undefined : errorCodeOf(me.error);
  useEffect(() => {
    if (code === "UNAUTHORIZED") router.replace("/sign-in");
    if (code === "FORBIDDEN") router.replace("/refused");
  }, [code, router]);
  return (
    <div className="shell">
      <a className="skip" href="#main">
        {t("app.skip")}
      </a>
      <header className="topbar">
        <strong>{t("app.title")}</strong>
        <span className={`live live-${live}`} role="status">
          {live === "live" ? t("common.live") : t("common.reconnecting")}
        </span>
        <span className="spacer" />
        {me.data ? <span className="who">{me.data.displayName}</span> : null}
        <LanguageSwitch />
        <button type="button" onClick={() => signOut.mutate()}>
          {t("nav.signOut")}
        </button>
      </header>
      <nav aria-label={t("nav.label")} className="sidenav">
        <ul>
          {NAV.map((item) => {
            const isCurrent = item.href === "/" ? pathname === "/" : pathname.startsWith(item.href);
            return (
              <li key={item.href}>
                <Link href={item.href} aria-current={isCurrent ? "page" : undefined}>
                  {t(item.label)}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <main id="main" className="content">
        {children}
      </main>
    </div>
  );
}
