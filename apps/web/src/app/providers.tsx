"use client";

import type { ReactNode } from "react";
import type { PublicConfig } from "../env";
import { AuthProvider } from "../lib/auth";
import { I18nProvider, type Lang } from "../lib/i18n";
import { ConfigProvider } from "../lib/runtime-config";

export function Providers({
  config,
  lang,
  children,
}: {
  config: PublicConfig;
  lang: Lang;
  children: ReactNode;
}) {
  return (
    <ConfigProvider config={config}>
      <I18nProvider initialLang={lang}>
        <AuthProvider>{children}</AuthProvider>
      </I18nProvider>
    </ConfigProvider>
  );
}
