"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type SyntheticEvent } from "react";
import { useI18n } from "../lib/i18n";
import { useTRPC } from "../lib/trpc";

type To = "earliest" | "latest" | "timestamp";

/** Reset form with a confirmation dialog; the server refuses a group with members whatever this shows. */
export function ResetOffsets({
  groupId,
  topics,
  isInactive,
}: {
  groupId: string;
  topics: string[];
  isInactive: boolean;
}) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const [topic, setTopic] = useState(topics[0] ?? "");
  const [to, setTo] = useState<To>("earliest");
  const [time, setTime] = useState("");
  const reset = useMutation(
    trpc.groups.resetOffsets.mutationOptions({
      onSettled: () => {
        dialog.current?.close();
        void queryClient.invalidateQueries({ queryKey: trpc.groups.detail.queryKey() });
      },
    }),
  );
  const timestampMs = time === "" ? Number.NaN : new Date(time).getTime();
  const targetLabel = to === "timestamp" ? time : t(to === "earliest" ? "group.earliest" : "group.latest");
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    dialog.current?.showModal();
  };
  const confirm = () => {
    reset.mutate({
      groupId,
      topic,
      target: to === "timestamp" ? { to, timestampMs: Number.isNaN(timestampMs) ? -1 : timestampMs } : { to },
    });
  };
  return (
    <section className="card" aria-labelledby="reset-heading">
      <h2 id="reset-heading">{t("group.reset")}</h2>
      <p className="muted">{t("group.resetHelp")}</p>
      <form onSubmit={onSubmit} className="filters">
        <label>
          {t("group.resetTopic")}
          <select value={topic} onChange={(e) => setTopic(e.target.value)} required>
            {topics.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("group.resetTo")}
          <select value={to} onChange={(e) => setTo(e.target.value as To)}>
            <option value="earliest">{t("group.earliest")}</option>
            <option value="latest">{t("group.latest")}</option>
            <option value="timestamp">{t("group.time")}</option>
          </select>
        </label>
        {to === "timestamp" ? (
          <label>
            {t("group.resetTime")}
            <input
              type="datetime-local"
              step="1"
              value={time}
              onChange={(e) => setTime(e.target.value)}
              required
            />
          </label>
        ) : null}
        <button type="submit" disabled={topic === "" || !isInactive}>
          {t("group.reset")}
        </button>
      </form>
      {reset.data ? (
        <p role="status" data-testid="reset-result">
          {t("group.resetDone", {
            offsets: reset.data.partitions
              .map((p) => `${p.partition}: ${p.from ?? "—"} → ${p.to}`)
              .join(", "),
          })}
        </p>
      ) : null}
      {reset.error ? (
        <p role="alert" className="error">
          {t("group.resetFailed", { message: reset.error.message })}
        </p>
      ) : null}
      <dialog ref={dialog} aria-labelledby="reset-confirm">
        <p id="reset-confirm">{t("group.resetConfirm", { group: groupId, topic, target: targetLabel })}</p>
        <div className="actions">
          <button type="button" onClick={() => dialog.current?.close()}>
            {t("common.cancel")}
          </button>
          <button type="button" className="danger" onClick={confirm} disabled={reset.isPending}>
            {t("group.resetDo")}
          </button>
        </div>
      </dialog>
    </section>
  );
}
