"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { inferRouterOutputs } from "@trpc/server";
import type { ConsoleRouter } from "../server/root";
import { useI18n } from "../lib/i18n";
import { useTRPC } from "../lib/trpc";
import { QueryState } from "./query-state";

export type DeadLetterItem = inferRouterOutputs<ConsoleRouter>["deadLetters"]["list"]["entries"][number];
export type DeadLetterAction = "replay" | "discard";

function traceIdOf(traceparent: string): string {
  return traceparent.split("-")[1] ?? traceparent;
}

/** The original as its source topic still holds it: headers and trace, loaded when asked for. */
function SourceRecord({ partition, offset }: { partition: number; offset: string }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const original = useQuery(trpc.deadLetters.original.queryOptions({ partition, offset }));
  if (original.data === undefined)
    return <QueryState isLoading={original.isLoading} error={original.error} />;
  if (original.data === null) return <p className="muted">{t("dlq.sourceGone")}</p>;
  const headers = Object.entries(original.data.headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join(", ");
  return (
    <div data-testid="source-record">
      {original.data.traceparent === null ? (
        <p className="muted">{t("dlq.noTrace")}</p>
      ) : (
        <p data-testid="traceparent">
          <a href={`/traces?traceId=${traceIdOf(original.data.traceparent)}`}>
            {t("browse.trace", { traceId: traceIdOf(original.data.traceparent) })}
          </a>
        </p>
      )}
      {headers === "" ? null : <p className="muted">{t("dlq.headers", { headers })}</p>}
    </div>
  );
}

function StateBadge({ state }: { state: DeadLetterItem["state"] }) {
  const { t, formatDateTime } = useI18n();
  let text: string;
  if (state.kind === "new") text = t("dlq.state.new");
  else if (state.kind === "discarded")
    text = t("dlq.state.discarded", { by: state.by, time: formatDateTime(state.at) });
  else if (state.replayedOffset === null)
    text = t("dlq.state.replayed", { by: state.by, time: formatDateTime(state.at) });
  else
    text = t("dlq.state.replayedTo", {
      by: state.by,
      time: formatDateTime(state.at),
      offset: state.replayedOffset,
    });
  return (
    <span className="badge" data-testid="dead-letter-state" data-state={state.kind}>
      {text}
    </span>
  );
}

export function DeadLetterCard({
  item,
  onAction,
}: {
  item: DeadLetterItem;
  onAction: (item: DeadLetterItem, action: DeadLetterAction) => void;
}) {
  const { t, formatDateTime } = useI18n();
  const [isSourceShown, setSourceShown] = useState(false);
  const { letter, original } = item;
  const isNew = item.state.kind === "new";
  return (
    <li
      className="card"
      data-testid="dead-letter"
      data-partition={item.partition}
      data-offset={item.offset}
      data-group={letter?.consumer_group}
      data-key={item.originalKey ?? undefined}
    >
      <p>
        <strong>{t("dlq.at", { partition: item.partition, offset: item.offset })}</strong> ·{" "}
        {formatDateTime(item.timestampMs)} <StateBadge state={item.state} />
      </p>
      {letter === null ? (
        <p className="error">{t("dlq.malformed", { error: item.malformed ?? "" })}</p>
      ) : (
        <>
          <p>
            <span className="badge">{letter.reason_code}</span>{" "}
            <span data-field="reason">{letter.reason}</span>
          </p>
          <p data-field="source">
            {t("dlq.source", {
              topic: letter.source_topic,
              partition: letter.source_partition,
              offset: letter.source_offset,
            })}{" "}
            · {t("dlq.group", { group: letter.consumer_group })} ·{" "}
            {t("dlq.failedAt", { time: formatDateTime(letter.failed_at_ms) })} · {t("browse.keyCol")}:{" "}
            <code>{item.originalKey ?? "—"}</code>
          </p>
          <h3>{t("dlq.original")}</h3>
          {original === null ? (
            <p className="muted">{t("dlq.notEmbedded")}</p>
          ) : original.decoded ? (
            <>
              <span className="badge" data-testid="schema-version">
                {t("browse.version", { topic: original.decoded.topicId, version: original.decoded.version })}
              </span>
              <pre>{JSON.stringify(original.decoded.value, null, 2)}</pre>
            </>
          ) : (
            <p className="error">{t("browse.undecodable", { error: original.decodeError ?? "" })}</p>
          )}
          {isSourceShown ? (
            <SourceRecord partition={item.partition} offset={item.offset} />
          ) : (
            <button type="button" onClick={() => setSourceShown(true)}>
              {t("dlq.showSource")}
            </button>
          )}
        </>
      )}
      {(original?.rawBase64 ?? item.rawBase64) !== undefined ? (
        <details>
          <summary>{t("browse.rawBytes")}</summary>
          <code className="raw">{original?.rawBase64 ?? item.rawBase64}</code>
        </details>
      ) : null}
      {isNew ? (
        <div className="actions">
          {letter !== null ? (
            <button type="button" onClick={() => onAction(item, "replay")}>
              {t("dlq.replay")}
            </button>
          ) : null}
          <button type="button" className="danger" onClick={() => onAction(item, "discard")}>
            {t("dlq.discard")}
          </button>
        </div>
      ) : null}
    </li>
  );
}
