"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState, type SyntheticEvent } from "react";
import { QueryState } from "../../../components/query-state";
import { useI18n } from "../../../lib/i18n";
import { useTRPC } from "../../../lib/trpc";
import type { SpanView } from "../../../server/routers/traces";

interface Form {
  messageId: string;
  conversationId: string;
  userId: string;
  service: string;
  minDurationMs: string;
  errorsOnly: boolean;
}

const EMPTY: Form = {
  messageId: "",
  conversationId: "",
  userId: "",
  service: "",
  minDurationMs: "",
  errorsOnly: false,
};

function toSearch(form: Form) {
  const optional = (value: string) => (value.trim() === "" ? undefined : value.trim());
  const messageId = optional(form.messageId);
  const conversationId = optional(form.conversationId);
  const userId = optional(form.userId);
  const service = optional(form.service);
  const minDuration = optional(form.minDurationMs);
  return {
    ...(messageId === undefined ? {} : { messageId }),
    ...(conversationId === undefined ? {} : { conversationId }),
    ...(userId === undefined ? {} : { userId }),
    ...(service === undefined ? {} : { service }),
    ...(minDuration === undefined ? {} : { minDurationMs: Number(minDuration) }),
    ...(form.errorsOnly ? { error: true } : {}),
  };
}

/** The fields other pages link a search by, as `?notificationId=…`. */
const LINKABLE = ["messageId", "conversationId", "userId", "fanoutTaskId", "notificationId"] as const;

/**
 * Search form and results; a trace opens as a waterfall. `?traceId=` opens one directly, and any of
 * `LINKABLE` starts a search by it.
 */
export default function TracesPage() {
  const { t, formatDateTime } = useI18n();
  const trpc = useTRPC();
  const [form, setForm] = useState<Form>(EMPTY);
  const [search, setSearch] = useState<ReturnType<typeof toSearch>>({});
  const [traceId, setTraceId] = useState<string | null>(null);
  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    const linked = params.get("traceId");
    if (linked !== null) setTraceId(linked);
    const linkedSearch: Partial<Record<(typeof LINKABLE)[number], string>> = {};
    for (const name of LINKABLE) {
      const value = params.get(name);
      if (value !== null && value !== "") linkedSearch[name] = value;
    }
    if (Object.keys(linkedSearch).length > 0) {
      setForm((current) => ({
        ...current,
        ...(linkedSearch.messageId === undefined ? {} : { messageId: linkedSearch.messageId }),
        ...(linkedSearch.conversationId === undefined ? {} : { conversationId: linkedSearch.conversationId }),
        ...(linkedSearch.userId === undefined ? {} : { userId: linkedSearch.userId }),
      }));
      setSearch(linkedSearch);
    }
  }, []);
  const results = useQuery(trpc.traces.search.queryOptions(search, { refetchInterval: 10_000 }));
  const field = (name: Exclude<keyof Form, "errorsOnly">) => ({
    value: form[name],
    onChange: (event: { target: { value: string } }) => setForm({ ...form, [name]: event.target.value }),
  });
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    setSearch(toSearch(form));
  };
  return (
    <>
      <h1>{t("traces.title")}</h1>
      <p>{t("traces.body")}</p>
      <form className="filters" onSubmit={onSubmit} role="search">
        <label>
          {t("traces.messageId")}
          <input {...field("messageId")} />
        </label>
        <label>
          {t("traces.conversationId")}
          <input {...field("conversationId")} />
        </label>
        <label>
          {t("traces.userId")}
          <input {...field("userId")} />
        </label>
        <label>
          {t("traces.service")}
          <input {...field("service")} placeholder="im-logic" />
        </label>
        <label>
          {t("traces.minDuration")}
          <input type="number" min={0} step="any" {...field("minDurationMs")} />
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={form.errorsOnly}
            onChange={(e) => setForm({ ...form, errorsOnly: e.target.checked })}
          />
          {t("traces.errorsOnly")}
        </label>
        <button type="submit">{t("traces.search")}</button>
      </form>
      <QueryState isLoading={results.isLoading} error={results.error} />
      {results.data?.length === 0 ? <p>{t("traces.none")}</p> : null}
      {results.data && results.data.length > 0 ? (
        <div className="table-wrap" role="region" aria-label={t("traces.title")} tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("traces.started")}</th>
                <th scope="col">{t("traces.root")}</th>
                <th scope="col">{t("traces.duration")}</th>
                <th scope="col">{t("traces.spans")}</th>
                <th scope="col">{t("traces.services")}</th>
                <th scope="col">{t("traces.errors")}</th>
              </tr>
            </thead>
            <tbody>
              {results.data.map((trace) => (
                <tr key={trace.traceId} data-trace-id={trace.traceId}>
                  <td>{formatDateTime(trace.startTimeMs)}</td>
                  <td>
                    <button type="button" className="link" onClick={() => setTraceId(trace.traceId)}>
                      {trace.rootService}: {trace.rootName}
                    </button>
                  </td>
                  <td>{trace.durationMs.toFixed(1)} ms</td>
                  <td>{trace.spanCount}</td>
                  <td>{trace.services.join(", ")}</td>
                  <td>{trace.errorCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {traceId === null ? null : <Waterfall traceId={traceId} onClose={() => setTraceId(null)} />}
    </>
  );
}

/** One trace: a bar per span on a shared time axis, indented by depth; a span opens to its attributes. */
function Waterfall({ traceId, onClose }: { traceId: string; onClose: () => void }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const spans = useQuery(trpc.traces.get.queryOptions({ traceId }));
  const [open, setOpen] = useState<string | null>(null);
  const rows = spans.data === undefined ? [] : treeOrder(spans.data);
  const start = Math.min(...rows.map((row) => row.span.startTimeMs));
  const end = Math.max(...rows.map((row) => row.span.startTimeMs + row.span.durationMs));
  const total = Math.max(end - start, 0.001);
  return (
    <section aria-label={t("traces.waterfall")} className="waterfall" data-trace-id={traceId}>
      <h2>
        {t("traces.waterfall")} <code>{traceId}</code>{" "}
        <button type="button" onClick={onClose}>
          {t("traces.close")}
        </button>
      </h2>
      <QueryState isLoading={spans.isLoading} error={spans.error} />
      <ol className="spans">
        {rows.map(({ span, depth }) => (
          <li key={span.spanId} data-span-name={span.name} data-service={span.service}>
            <button
              type="button"
              className="span-row"
              aria-expanded={open === span.spanId}
              onClick={() => setOpen(open === span.spanId ? null : span.spanId)}
            >
              <span className="span-label" style={{ paddingLeft: `${depth}em` }}>
                <strong>{span.service}</strong> {span.name}
                {span.status.code === "error" ? ` ⚠ ${t("traces.error")}` : ""}
              </span>
              <span className="span-track">
                <span
                  className={span.status.code === "error" ? "span-bar error" : "span-bar"}
                  style={{
                    left: `${((span.startTimeMs - start) / total) * 100}%`,
                    width: `${Math.max((span.durationMs / total) * 100, 0.5)}%`,
                  }}
                />
              </span>
              <span className="span-duration">{span.durationMs.toFixed(2)} ms</span>
            </button>
            {open === span.spanId ? <SpanDetails span={span} /> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

function SpanDetails({ span }: { span: SpanView }) {
  const { t } = useI18n();
  return (
    <div className="span-details">
      <p>
        {span.kind} · {t("traces.status")} {span.status.code}
        {span.status.message === undefined ? "" : `: ${span.status.message}`}
      </p>
      <table>
        <tbody>
          {Object.entries(span.attributes).map(([key, value]) => (
            <tr key={key}>
              <th scope="row">
                <code>{key}</code>
              </th>
              <td>{typeof value === "string" ? value : JSON.stringify(value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {span.events.length > 0 ? (
        <>
          <h3>{t("traces.events")}</h3>
          <ul>
            {span.events.map((event, index) => (
              <li key={index}>
                <code>{event.name}</code> {JSON.stringify(event.attributes)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {span.links.length > 0 ? (
        <>
          <h3>{t("traces.links")}</h3>
          <ul>
            {span.links.map((link) => (
              <li key={`${link.traceId}-${link.spanId}`}>
                <a href={`/traces?traceId=${link.traceId}`}>
                  <code>{link.traceId}</code>
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

/** Spans parent before child, siblings by start time; a span whose parent is missing is a root. */
function treeOrder(spans: SpanView[]): { span: SpanView; depth: number }[] {
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map<string | undefined, SpanView[]>();
  for (const span of spans) {
    const parent =
      span.parentSpanId !== undefined && ids.has(span.parentSpanId) ? span.parentSpanId : undefined;
    const list = children.get(parent) ?? [];
    list.push(span);
    children.set(parent, list);
  }
  const rows: { span: SpanView; depth: number }[] = [];
  const visit = (parent: string | undefined, depth: number) => {
    for (const span of (children.get(parent) ?? []).toSorted((a, b) => a.startTimeMs - b.startTimeMs)) {
      rows.push({ span, depth });
      visit(span.spanId, depth + 1);
    }
  };
  visit(undefined, 0);
  return rows;
}
