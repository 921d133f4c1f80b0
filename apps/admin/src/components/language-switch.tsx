"use client";

import { useI18n } from "../lib/i18n";

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <label className="language">
      {t("nav.language")}
      <select value={lang} onChange={(e) => setLang(e.target.value === "zh" ? "zh" : "en")}>
        <option value="en">English</option>
        <option value="zh">简体中文</option>
      </select>
    </label>
  );
}
