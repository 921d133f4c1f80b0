"use client";

import { useI18n } from "../lib/i18n";

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <label className="language-switch">
      <span>{t("common.language")}</span>
      <select value={lang} onChange={(event) => setLang(event.target.value === "zh" ? "zh" : "en")}>
        <option value="en">English</option>
        <option value="zh">简体中文</option>
      </select>
    </label>
  );
}
