"use client";

import { useQuery } from "@tanstack/react-query";
import { useState, type SyntheticEvent } from "react";
import { LineChart } from "../../../components/lag-chart";
import { QueryState } from "../../../components/query-state";
import { useI18n } from "../../../lib/i18n";
import { useTRPC } from "../../../lib/trpc";
import { EVENT_TYPES, type EventType } from "../../../lib/event-types";

interface Filters {
  user: string;
  conversationId: string;
  type: EventType | "";
  since: string;
}

const EMPTY: Filters = { user: "", conversationId: "", type: "", since: "" };

function toQuery(filters: Filters) {
  const since = filters.since === "" ? Number.NaN : new Date(filters.since).getTime();
  return {
    ...(filters.user.trim() === "" ? {} : { user: filters.user.trim() }),
    ...(filters.conversationId.trim() === "" ? {} : { conversationId: filters.conversationId.trim() }),
    ...(filters.type === "" ? {} : { types: [filters.type] }),
    ...(Number.isFinite(since) ? { sinceMs: since } : {}),
  };
}

/** The live stream of user and message events, filterable, with online users over time and the read rate. */
export default function EventsPage() {
  const { t, formatDateTime } = useI18n();
  const trpc = useTRPC();
  const [form, setForm] = useState<Filters>(EMPTY);
  const [query, setQuery] = useState<ReturnType<typeof toQuery>>({});
  const [isLive, setLive] = useState(true);
  // Live, the server-sent `events` announcements refetch the stream; paused, what is shown stays.
  const events = useQuery(trpc.events.list.queryOptions(query));
  const [paused, setPaused] = useState<typeof events.data>(undefined);
  const shown = isLive ? events.data : (paused ?? events.data);
  const figures = useQuery(trpc.events.figures.queryOptions(undefined, { refetchInterval: 10_000 }));
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    setQuery(toQuery(form));
  };
  const text = (name: "user" | "conversationId" | "since") => ({
    value: form[name],
    onChange: (event: { target: { value: string } }) => setForm({ ...form, [name]: event.target.value }),
  });
  return (
    <>
      <h1>{t("nav.events")}</h1>
      <div className="columns">
        <section aria-labelledby="online-now">
          <h2 id="online-now">{t("events.online")}</h2>
          <QueryState isLoading={figures.isLoading} error={figures.error} />
          {figures.data ? (
            <>
              <p data-testid="online-now">
                {t("events.onlineNow", {
                  now: figures.data.onlineUsers,
                  peak: figures.data.peakOnlineUsers,
                })}
              </p>
              <LineChart
                points={figures.data.onlineTimeline.map((sample) => ({
                  atMs: Date.parse(sample.at),
                  value: sample.users,
                }))}
                label={(minutes) => t("events.onlineChart", { minutes })}
                empty={t("events.onlineEmpty")}
              />
            </>
          ) : null}
        </section>
        <section aria-labelledby="read-rate">
          <h2 id="read-rate">{t("events.readRate")}</h2>
          {figures.data ? (
            <p data-testid="read-rate">
              {t("events.readRateValue", {
                rate: Math.round(figures.data.messages.readRate * 100),
                read: figures.data.messages.read,
                sent: figures.data.messages.sent,
                recalled: figures.data.messages.recalled,
              })}
            </p>
          ) : null}
        </section>
      </div>

      <h2>{t("events.stream")}</h2>
      <form className="filters" role="search" onSubmit={onSubmit}>
        <label>
          {t("events.user")}
          <input {...text("user")} />
        </label>
        <label>
          {t("events.conversation")}
          <input {...text("conversationId")} />
        </label>
        <label>
          {t("events.type")}
          <select
            value={form.type}
            onChange={(event) => setForm({ ...form, type: event.target.value as EventType | "" })}
          >
            <option value="">{t("events.allTypes")}</option>
            {EVENT_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("events.since")}
          <input type="datetime-local" {...text("since")} />
        </label>
        <button type="submit">{t("common.search")}</button>
        <label className="inline">
          <input
            type="checkbox"
            checked={isLive}
            onChange={(event) => {
              setPaused(event.target.checked ? undefined : events.data);
              setLive(event.target.checked);
            }}
          />
          {t("events.live")}
        </label>
      </form>
      <QueryState isLoading={events.isLoading} error={events.error} />
      {shown ? (
        <p className="muted" data-testid="events-summary">
          {t("events.summary", {
            shown: shown.events.length,
            matched: shown.matched,
            held: shown.held,
            since: shown.heldSinceMs === null ? "—" : formatDateTime(shown.heldSinceMs),
          })}
          {shown.undecodable > 0 ? ` ${t("events.undecodable", { count: shown.undecodable })}` : ""}
        </p>
      ) : null}
      {shown?.events.length === 0 ? <p>{t("events.none")}</p> : null}
      {shown && shown.events.length > 0 ? (
        <div className="table-wrap" role="region" aria-label={t("events.stream")} tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("events.time")}</th>
                <th scope="col">{t("events.type")}</th>
                <th scope="col">{t("events.userColumn")}</th>
                <th scope="col">{t("events.conversation")}</th>
                <th scope="col">{t("events.details")}</th>
              </tr>
            </thead>
            <tbody>
              {shown.events.map((event) => (
                <tr
                  key={`${event.topic}/${event.partition}/${event.offset}`}
                  data-event-type={event.type}
                  data-user={event.userId}
                >
                  <td>{formatDateTime(event.atMs)}</td>
                  <th scope="row">{event.type}</th>
                  <td>
                    {event.username ?? "—"}
                    <div className="muted">
                      <code>{event.userId}</code>
                    </div>
                  </td>
                  <td>{event.conversationId === null ? "—" : <code>{event.conversationId}</code>}</td>
                  <td>
                    {event.gatewayId === null ? null : t("events.gateway", { gateway: event.gatewayId })}
                    {event.seq === null
                      ? null
                      : t("events.seq", { seq: event.seq, id: event.messageId ?? "" })}
                    {event.changed === null
                      ? null
                      : t("events.changed", { fields: event.changed.join(", ") })}
                    {event.traceId === null ? null : (
                      <>
                        {" "}
                        <a href={`/traces?traceId=${event.traceId}`}>{t("events.trace")}</a>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
