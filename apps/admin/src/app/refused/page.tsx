"use client";

import Link from "next/link";
import { useI18n } from "../../lib/i18n";

export default function RefusedPage() {
  const { t } = useI18n();
  return (
    <main className="centered">
      <section className="card auth" aria-labelledby="refused-title">
        <h1 id="refused-title">{t("refused.title")}</h1>
        <p>{t("refused.body")}</p>
        <Link href="/sign-in">{t("refused.back")}</Link>
      </section>
    </main>
  );
}
