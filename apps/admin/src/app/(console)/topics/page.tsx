"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { QueryState } from "../../../components/query-state";
import { useI18n } from "../../../lib/i18n";
import { useTRPC } from "../../../lib/trpc";

export default function TopicsPage() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const topics = useQuery(trpc.topics.list.queryOptions(undefined, { refetchInterval: 5_000 }));
  const [selected, setSelected] = useState<string | null>(null);
  const configs = useQuery(
    trpc.topics.configs.queryOptions({ topic: selected ?? "" }, { enabled: selected !== null }),
  );
  return (
    <>
      <h1>{t("nav.topics")}</h1>
      <QueryState isLoading={topics.isLoading} error={topics.error} />
      {topics.data ? (
        <div className="table-wrap" role="region" aria-label={t("nav.topics")} tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("topics.topic")}</th>
                <th scope="col">{t("topics.catalogue")}</th>
                <th scope="col" className="num">
                  {t("topics.partitions")}
                </th>
                <th scope="col" className="num">
                  {t("topics.rate")}
                </th>
                <th scope="col" className="num">
                  {t("topics.records")}
                </th>
                <th scope="col">{t("topics.configs")}</th>
              </tr>
            </thead>
            <tbody>
              {topics.data.map((topic) => (
                <tr key={topic.topic}>
                  <th scope="row">{topic.topic}</th>
                  <td>{topic.catalogueId ?? "—"}</td>
                  <td className="num">{topic.partitions}</td>
                  <td className="num" data-field="rate">
                    {topic.ratePerSecond === null ? "—" : topic.ratePerSecond.toFixed(1)}
                  </td>
                  <td className="num">{topic.records}</td>
                  <td>
                    <button
                      type="button"
                      aria-label={t("topics.show", { topic: topic.topic })}
                      onClick={() => setSelected(topic.topic)}
                    >
                      {t("topics.configs")}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {selected !== null ? (
        <section className="card" aria-labelledby="configs-heading">
          <h2 id="configs-heading">
            {t("topics.configs")}: {selected}
          </h2>
          <QueryState isLoading={configs.isLoading} error={configs.error} />
          <dl className="configs">
            {configs.data?.map((entry) => (
              <div key={entry.name}>
                <dt>{entry.name}</dt>
                <dd>{entry.value}</dd>
              </div>
            ))}
          </dl>
        </section>
      ) : null}
    </>
  );
}
