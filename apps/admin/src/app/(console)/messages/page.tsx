"use client";

import { useQuery } from "@tanstack/react-query";
import { useState, type SyntheticEvent } from "react";
import { QueryState } from "../../../components/query-state";
import { useI18n, type MessageKey } from "../../../lib/i18n";
import { useTRPC } from "../../../lib/trpc";

type From = "newest" | "oldest" | "offset" | "time";

/** Following live: how many of each partition's newest records, and how often. */
const FOLLOW_COUNT = 20;
const FOLLOW_EVERY_MS = 2_000;

interface Form {
  topic: string;
  from: From;
  count: string;
  offset: string;
  time: string;
  partition: string;
  key: string;
  headerName: string;
  headerValue: string;
  text: string;
  includeRaw: boolean;
}

const EMPTY: Form = {
  topic: "",
  from: "newest",
  count: "20",
  offset: "0",
  time: "",
  partition: "",
  key: "",
  headerName: "",
  headerValue: "",
  text: "",
  includeRaw: false,
};

function toRequest(form: Form) {
  const start =
    form.from === "newest"
      ? { from: "newest" as const, count: Number(form.count) }
      : form.from === "oldest"
        ? { from: "oldest" as const }
        : form.from === "offset"
          ? { from: "offset" as const, offset: Number(form.offset) }
          : { from: "time" as const, timestampMs: new Date(form.time).getTime() };
  const optional = (value: string) => (value.trim() === "" ? undefined : value.trim());
  const headerName = optional(form.headerName);
  const headerValue = optional(form.headerValue);
  const key = optional(form.key);
  const text = optional(form.text);
  return {
    topic: form.topic,
    start,
    includeRaw: form.includeRaw,
    filter: {
      ...(form.partition.trim() === "" ? {} : { partitions: [Number(form.partition)] }),
      ...(key === undefined ? {} : { key }),
      ...(text === undefined ? {} : { text }),
      ...(headerName === undefined
        ? {}
        : { header: { name: headerName, ...(headerValue === undefined ? {} : { value: headerValue }) } }),
    },
  };
}

export default function MessagesPage() {
  const { t, formatDateTime } = useI18n();
  const trpc = useTRPC();
  const topics = useQuery(trpc.topics.list.queryOptions());
  const [form, setForm] = useState<Form>(EMPTY);
  const [request, setRequest] = useState<ReturnType<typeof toRequest> | null>(null);
  // Following, the scan is the newest records of each partition again every 2 s, filtered the same way.
  const [isFollowing, setFollowing] = useState(false);
  const followed =
    request === null || !isFollowing
      ? request
      : {
          ...request,
          start: {
            from: "newest" as const,
            count: request.start.from === "newest" ? request.start.count : FOLLOW_COUNT,
          },
        };
  const result = useQuery(
    trpc.topics.browse.queryOptions(followed ?? toRequest({ ...EMPTY, topic: "-" }), {
      enabled: followed !== null,
      staleTime: isFollowing ? 0 : Infinity,
      refetchInterval: isFollowing ? FOLLOW_EVERY_MS : false,
    }),
  );
  const isShown = result.data !== undefined && (!result.isFetching || isFollowing);
  const field = (name: keyof Form) => ({
    value: String(form[name]),
    onChange: (event: { target: { value: string } }) => setForm({ ...form, [name]: event.target.value }),
  });
  const selectedTopic = form.topic === "" ? (topics.data?.[0]?.topic ?? "") : form.topic;
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    setRequest(toRequest({ ...form, topic: selectedTopic }));
  };
  return (
    <>
      <h1>{t("nav.messages")}</h1>
      <form className="filters" onSubmit={onSubmit}>
        <label>
          {t("browse.topic")}
          <select
            value={selectedTopic}
            onChange={(e) => setForm({ ...form, topic: e.target.value })}
            required
          >
            {topics.data?.map((topic) => (
              <option key={topic.topic} value={topic.topic}>
                {topic.topic}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("browse.start")}
          <select value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value as From })}>
            <option value="newest">{t("browse.newest")}</option>
            <option value="oldest">{t("browse.oldest")}</option>
            <option value="offset">{t("browse.offset")}</option>
            <option value="time">{t("browse.time")}</option>
          </select>
        </label>
        {form.from === "newest" ? (
          <label>
            {t("browse.count")}
            <input type="number" min={1} max={100000} required {...field("count")} />
          </label>
        ) : null}
        {form.from === "offset" ? (
          <label>
            {t("browse.offsetValue")}
            <input type="number" min={0} required {...field("offset")} />
          </label>
        ) : null}
        {form.from === "time" ? (
          <label>
            {t("browse.timeValue")}
            <input type="datetime-local" step="1" required {...field("time")} />
          </label>
        ) : null}
        <label>
          {t("browse.partition")}
          <input type="number" min={0} {...field("partition")} />
        </label>
        <label>
          {t("browse.key")}
          <input {...field("key")} />
        </label>
        <label>
          {t("browse.headerName")}
          <input {...field("headerName")} />
        </label>
        <label>
          {t("browse.headerValue")}
          <input {...field("headerValue")} />
        </label>
        <label>
          {t("browse.text")}
          <input {...field("text")} />
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={form.includeRaw}
            onChange={(e) => setForm({ ...form, includeRaw: e.target.checked })}
          />
          {t("browse.raw")}
        </label>
        <button type="submit">{t("browse.scan")}</button>
        <label className="inline">
          <input type="checkbox" checked={isFollowing} onChange={(e) => setFollowing(e.target.checked)} />
          {t("browse.follow")}
        </label>
      </form>
      <QueryState isLoading={request !== null && result.isFetching && !isShown} error={result.error} />
      {isFollowing && result.data ? (
        <p className="muted" data-testid="following">
          {t("browse.following", { time: formatDateTime(result.dataUpdatedAt) })}
        </p>
      ) : null}
      {result.data && isShown ? (
        <>
          <p role="status" data-testid="scan-summary">
            {t("browse.summary", {
              matches: result.data.records.length,
              scanned: result.data.scanned,
              ms: result.data.elapsedMs,
              reason: t(`browse.reason.${result.data.stoppedBy}` as MessageKey),
            })}
          </p>
          {result.data.records.length === 0 ? <p>{t("browse.none")}</p> : null}
          <ol className="records">
            {result.data.records.map((record) => (
              <li key={`${record.partition}-${record.offset}`} className="card" data-offset={record.offset}>
                <p>
                  <strong>
                    {record.partition} / {record.offset}
                  </strong>{" "}
                  · {formatDateTime(record.timestampMs)} · {t("browse.keyCol")}:{" "}
                  <code>{record.key ?? "—"}</code>
                  {record.decoded ? (
                    <span className="badge" data-testid="schema-version">
                      {t("browse.version", {
                        topic: record.decoded.topicId,
                        version: record.decoded.version,
                      })}
                    </span>
                  ) : null}
                </p>
                {record.traceparent !== null ? (
                  <p data-testid="traceparent">
                    <a href={`/traces?traceId=${record.traceparent.split("-")[1] ?? ""}`}>
                      {t("browse.trace", { traceId: record.traceparent.split("-")[1] ?? record.traceparent })}
                    </a>
                  </p>
                ) : null}
                {record.decoded ? (
                  <pre>{JSON.stringify(record.decoded.value, null, 2)}</pre>
                ) : (
                  <p className="error">{t("browse.undecodable", { error: record.decodeError ?? "" })}</p>
                )}
                {record.rawBase64 !== undefined ? (
                  <details>
                    <summary>{t("browse.rawBytes")}</summary>
                    <code className="raw">{record.rawBase64}</code>
                  </details>
                ) : null}
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </>
  );
}
