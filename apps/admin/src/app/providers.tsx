"use client";

import type { ReactNode } from "react";
import { I18nProvider, type Lang } from "../lib/i18n";
import { ApiProvider } from "../lib/trpc";

export function Providers({ lang, children }: { lang: Lang; children: ReactNode }) {
  return (
    <I18nProvider initialLang={lang}>
      <ApiProvider>{children}</ApiProvider>
    </I18nProvider>
  );
}
