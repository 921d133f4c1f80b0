"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type SyntheticEvent } from "react";
import {
  DeadLetterCard,
  type DeadLetterAction,
  type DeadLetterItem,
} from "../../../components/dead-letter-card";
import { QueryState } from "../../../components/query-state";
import { useI18n, type MessageKey } from "../../../lib/i18n";
import { useTRPC } from "../../../lib/trpc";

interface Pending {
  item: DeadLetterItem;
  action: DeadLetterAction;
}

export default function DeadLettersPage() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const [perPartition, setPerPartition] = useState("50");
  const [includeRaw, setIncludeRaw] = useState(false);
  const [request, setRequest] = useState({ perPartition: 50, includeRaw: false });
  const [pending, setPending] = useState<Pending | null>(null);
  const [outcome, setOutcome] = useState<{ isError: boolean; text: string } | null>(null);
  const list = useQuery(trpc.deadLetters.list.queryOptions(request, { staleTime: Infinity }));
  const settle = {
    onError: (error: { message: string }) =>
      setOutcome({ isError: true, text: t("dlq.refused", { message: error.message }) }),
    onSettled: () => {
      dialog.current?.close();
      void queryClient.invalidateQueries({ queryKey: trpc.deadLetters.list.queryKey() });
    },
  };
  const replay = useMutation(
    trpc.deadLetters.replay.mutationOptions({
      ...settle,
      onSuccess: (result) => setOutcome({ isError: false, text: t("dlq.replayed", { topic: result.topic }) }),
    }),
  );
  const discard = useMutation(
    trpc.deadLetters.discard.mutationOptions({
      ...settle,
      onSuccess: () => setOutcome({ isError: false, text: t("dlq.discarded") }),
    }),
  );
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    setRequest({ perPartition: Number(perPartition), includeRaw });
    void queryClient.invalidateQueries({ queryKey: trpc.deadLetters.list.queryKey() });
  };
  const ask = (item: DeadLetterItem, action: DeadLetterAction) => {
    setPending({ item, action });
    setOutcome(null);
    dialog.current?.showModal();
  };
  const confirm = () => {
    if (pending === null) return;
    const at = { partition: pending.item.partition, offset: pending.item.offset };
    if (pending.action === "replay") replay.mutate(at);
    else discard.mutate(at);
  };
  const question =
    pending === null
      ? ""
      : pending.action === "replay"
        ? t("dlq.confirmReplay", {
            partition: pending.item.partition,
            offset: pending.item.offset,
            topic: pending.item.letter?.source_topic ?? "",
            sourcePartition: pending.item.letter?.source_partition ?? "",
          })
        : t("dlq.confirmDiscard", { partition: pending.item.partition, offset: pending.item.offset });
  return (
    <>
      <h1>{t("nav.deadLetters")}</h1>
      <form className="filters" onSubmit={onSubmit}>
        <label>
          {t("dlq.perPartition")}
          <input
            type="number"
            min={1}
            max={1000}
            required
            value={perPartition}
            onChange={(e) => setPerPartition(e.target.value)}
          />
        </label>
        <label className="inline">
          <input type="checkbox" checked={includeRaw} onChange={(e) => setIncludeRaw(e.target.checked)} />
          {t("dlq.raw")}
        </label>
        <button type="submit">{t("dlq.refresh")}</button>
      </form>
      {outcome ? (
        <p
          role={outcome.isError ? "alert" : "status"}
          className={outcome.isError ? "error" : undefined}
          data-testid="dead-letter-outcome"
        >
          {outcome.text}
        </p>
      ) : null}
      <QueryState isLoading={list.isFetching && list.data === undefined} error={list.error} />
      {list.data ? (
        <>
          <p role="status" data-testid="scan-summary">
            {t("dlq.summary", {
              count: list.data.entries.length,
              scanned: list.data.scanned,
              ms: list.data.elapsedMs,
              reason: t(`browse.reason.${list.data.stoppedBy}` as MessageKey),
            })}
          </p>
          {list.data.entries.length === 0 ? <p>{t("dlq.none")}</p> : null}
          <ol className="records">
            {list.data.entries.map((item) => (
              <DeadLetterCard key={`${item.partition}-${item.offset}`} item={item} onAction={ask} />
            ))}
          </ol>
        </>
      ) : null}
      <dialog ref={dialog} aria-labelledby="dead-letter-confirm">
        <p id="dead-letter-confirm">{question}</p>
        <div className="actions">
          <button type="button" onClick={() => dialog.current?.close()}>
            {t("common.cancel")}
          </button>
          <button
            type="button"
            className="danger"
            onClick={confirm}
            disabled={replay.isPending || discard.isPending}
          >
            {pending?.action === "replay" ? t("dlq.doReplay") : t("dlq.doDiscard")}
          </button>
        </div>
      </dialog>
    </>
  );
}
