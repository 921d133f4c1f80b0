"use client";

import type { UserView } from "@gochat/api";
import type { ErrorCode } from "@gochat/contracts";
import { useState, type SyntheticEvent } from "react";
import { useChat, useChatState } from "../lib/chat-context";
import { useI18n } from "../lib/i18n";
import { Avatar } from "./avatar";
import { useAction } from "./use-action";

/**
 * Find people by username and do one thing with each result (ask to be friends, invite to a group):
 * `label` and `done` say what the button shows and when it is spent, `act` does it.
 */
export function UserSearch({
  title,
  titleId,
  label,
  done,
  act,
  describeError,
}: {
  title: string;
  titleId: string;
  label: (user: UserView) => string;
  done: (user: UserView) => boolean;
  act: (user: UserView) => Promise<void>;
  describeError?: (code: ErrorCode) => string | undefined;
}) {
  const controller = useChat();
  const { t } = useI18n();
  const me = useChatState((state) => state.me);
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<UserView[] | null>(null);
  const { error, run } = useAction();

  const search = (event: SyntheticEvent) => {
    event.preventDefault();
    if (query.trim() === "") return;
    void run(async () => {
      const users = await controller.client.users.search.query({ query: query.trim(), limit: 10 });
      setResults(users.filter((user) => user.id !== me.id));
    });
  };

  return (
    <section aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      <form className="inline-form" onSubmit={search}>
        <label className="grow">
          <span className="visually-hidden">{t("friends.searchLabel")}</span>
          <input
            type="search"
            value={query}
            placeholder={t("friends.searchLabel")}
            onChange={(event) => setQuery(event.target.value)}
          />
        </label>
        <button type="submit">{t("common.search")}</button>
      </form>
      {error !== null && (
        <p className="form-error" role="alert">
          {describeError?.(error) ?? t(`error.${error}`)}
        </p>
      )}
      {results?.length === 0 && <p className="muted">{t("common.noResults")}</p>}
      {results !== null && results.length > 0 && (
        <ul className="people">
          {results.map((user) => (
            <li key={user.id}>
              <Avatar user={user} size={28} />
              <span className="grow">
                {user.displayName} <span className="muted">@{user.username}</span>
              </span>
              <button type="button" disabled={done(user)} onClick={() => void run(() => act(user))}>
                {label(user)}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
