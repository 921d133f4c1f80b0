"use client";

import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import { dictionaries, LANG_COOKIE, type Lang, type MessageKey } from "./messages";

export type { Lang, MessageKey };

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  formatTime: (ms: number) => string;
  formatDay: (ms: number) => string;
  formatDateTime: (ms: number) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function interpolate(template: string, vars: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in vars ? String(vars[name]) : match));
}

export function I18nProvider({ initialLang, children }: { initialLang: Lang; children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    // A year-long cookie, so the server renders the next visit in the chosen language.
    document.cookie = `${LANG_COOKIE}=${next}; path=/; max-age=31536000; samesite=lax`;
    document.documentElement.lang = next === "zh" ? "zh-CN" : "en";
    setLangState(next);
  }, []);
  const value = useMemo<I18n>(() => {
    const dictionary = dictionaries[lang];
    const locale = lang === "zh" ? "zh-CN" : "en";
    const time = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "medium" });
    const day = new Intl.DateTimeFormat(locale, {
      year: "numeric",
      month: "long",
      day: "numeric",
      weekday: "short",
    });
    return {
      lang,
      setLang,
      t: (key, vars) => interpolate(dictionary[key], vars),
      formatTime: (ms) => time.format(ms),
      formatDay: (ms) => day.format(ms),
      formatDateTime: (ms) => dateTime.format(ms),
    };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (i18n === null) throw new Error("useI18n outside I18nProvider");
  return i18n;
}
