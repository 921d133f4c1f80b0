"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type SyntheticEvent } from "react";
import { QueryState } from "../../../components/query-state";
import { useI18n } from "../../../lib/i18n";
import { useTRPC } from "../../../lib/trpc";

function UserDetail({ userId }: { userId: string }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const detail = useQuery(trpc.users.detail.queryOptions({ userId }, { refetchInterval: 5_000 }));
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() });
  };
  const signOut = useMutation(trpc.users.signOutEverywhere.mutationOptions({ onSuccess: refresh }));
  const setDisabled = useMutation(trpc.users.setDisabled.mutationOptions({ onSuccess: refresh }));
  const data = detail.data;
  if (data === undefined) return <QueryState isLoading={detail.isLoading} error={detail.error} />;
  const isDisabled = data.user.disabledAt !== null;
  return (
    <section className="card" aria-labelledby="user-heading">
      <h2 id="user-heading">
        {data.user.displayName} (@{data.user.username})
      </h2>
      <p>
        {t("users.role")}: {data.user.role} · {t("users.state")}:{" "}
        <span data-field="user-state">{isDisabled ? t("users.disabled") : t("users.active")}</span> ·{" "}
        {t("users.sessions", { count: data.sessions.length })}
      </p>
      <p>
        {data.gateways.length === 0
          ? t("users.offline")
          : t("users.gateways", {
              gateways: data.gateways
                .map((gateway) => `${gateway.gatewayId} (${gateway.sockets})`)
                .join(", "),
            })}
      </p>
      <div className="actions">
        <button type="button" onClick={() => signOut.mutate({ userId })} disabled={signOut.isPending}>
          {t("users.signOutEverywhere")}
        </button>
        <button
          type="button"
          className={isDisabled ? undefined : "danger"}
          disabled={setDisabled.isPending}
          onClick={() => {
            if (isDisabled || window.confirm(t("users.confirmDisable", { user: data.user.username }))) {
              setDisabled.mutate({ userId, disabled: !isDisabled });
            }
          }}
        >
          {isDisabled ? t("users.enable") : t("users.disable")}
        </button>
      </div>
      {signOut.data ? (
        <p role="status">{t("users.signedOut", { count: signOut.data.revokedSessions })}</p>
      ) : null}
      {signOut.error || setDisabled.error ? (
        <p role="alert" className="error">
          {(signOut.error ?? setDisabled.error)?.message}
        </p>
      ) : null}
    </section>
  );
}

export default function UsersPage() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const [draft, setDraft] = useState("");
  const [text, setText] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
  const users = useQuery(trpc.users.find.queryOptions({ text }));
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    setText(draft);
  };
  return (
    <>
      <h1>{t("nav.users")}</h1>
      <form onSubmit={onSubmit} className="filters" role="search">
        <label>
          {t("users.find")}
          <input type="search" value={draft} onChange={(e) => setDraft(e.target.value)} />
        </label>
        <button type="submit">{t("common.search")}</button>
      </form>
      <QueryState isLoading={users.isLoading} error={users.error} />
      {users.data?.length === 0 ? <p>{t("users.none")}</p> : null}
      <div className="split">
        <ul className="picklist">
          {users.data?.map((user) => (
            <li key={user.id}>
              <button type="button" aria-pressed={selected === user.id} onClick={() => setSelected(user.id)}>
                {user.displayName} <span className="muted">@{user.username}</span>
                {user.disabledAt !== null ? (
                  <span className="badge status-STOP">{t("users.disabled")}</span>
                ) : null}
              </button>
            </li>
          ))}
        </ul>
        {selected !== null ? <UserDetail userId={selected} /> : null}
      </div>
    </>
  );
}
