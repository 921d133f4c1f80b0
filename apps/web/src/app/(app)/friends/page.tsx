"use client";

import type { UserView } from "@gochat/api";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState, type SyntheticEvent } from "react";
import { Avatar } from "../../../components/avatar";
import { useAction } from "../../../components/use-action";
import type { RouterOutputs } from "../../../lib/api";
import { useChat, useChatState } from "../../../lib/chat-context";
import { useI18n } from "../../../lib/i18n";

type Requests = RouterOutputs["friends"]["requests"];
type Friend = RouterOutputs["friends"]["list"][number];

export default function FriendsPage() {
  const controller = useChat();
  const router = useRouter();
  const { t } = useI18n();
  const presence = useChatState((state) => state.presence);
  const [friends, setFriends] = useState<Friend[] | null>(null);
  const [requests, setRequests] = useState<Requests>({ incoming: [], outgoing: [] });
  const { error, run } = useAction();

  const load = useCallback(async () => {
    const [list, pending] = await Promise.all([
      controller.client.friends.list.query(),
      controller.client.friends.requests.query(),
    ]);
    setFriends(list);
    setRequests(pending);
    controller.store.setUsers([
      ...list,
      ...pending.incoming.map((r) => r.user),
      ...pending.outgoing.map((r) => r.user),
    ]);
  }, [controller]);

  const notifications = useChatState((state) => state.notifications.latest);
  useEffect(() => {
    void run(load);
  }, [load, run, notifications]);

  const answer = (requestId: string, accept: boolean) =>
    run(async () => {
      if (accept) await controller.client.friends.accept.mutate({ requestId });
      else await controller.client.friends.decline.mutate({ requestId });
      await load();
      await controller.refreshFriends();
    });

  const message = (userId: string) =>
    run(async () => {
      const { conversationId } = await controller.client.conversations.openDirect.mutate({ userId });
      await controller.refreshConversations();
      router.push(`/chat/${conversationId}`);
    });

  return (
    <div className="page">
      <h1>{t("friends.title")}</h1>
      {error !== null && (
        <p className="form-error" role="alert">
          {t(`error.${error}`)}
        </p>
      )}
      <AddFriend onSent={() => void run(load)} />

      <section aria-labelledby="incoming-title">
        <h2 id="incoming-title">{t("friends.incoming")}</h2>
        {requests.incoming.length === 0 ? (
          <p className="muted">{t("friends.noIncoming")}</p>
        ) : (
          <ul className="people">
            {requests.incoming.map((request) => (
              <li key={request.id} data-testid="incoming-request">
                <Avatar user={request.user} />
                <span className="grow">
                  {request.user.displayName} <span className="muted">@{request.user.username}</span>
                  {request.message !== "" && <span className="muted block">“{request.message}”</span>}
                </span>
                <button type="button" className="primary" onClick={() => void answer(request.id, true)}>
                  {t("friends.accept")}
                </button>
                <button type="button" onClick={() => void answer(request.id, false)}>
                  {t("friends.decline")}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>

      {requests.outgoing.length > 0 && (
        <section aria-labelledby="outgoing-title">
          <h2 id="outgoing-title">{t("friends.outgoing")}</h2>
          <ul className="people">
            {requests.outgoing.map((request) => (
              <li key={request.id}>
                <Avatar user={request.user} />
                <span className="grow">
                  {request.user.displayName} <span className="muted">@{request.user.username}</span>
                </span>
                <span className="muted">{t("friends.pending")}</span>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="friends-title">
        <h2 id="friends-title">{t("friends.list")}</h2>
        {friends === null ? (
          <p className="muted">{t("common.loading")}</p>
        ) : friends.length === 0 ? (
          <p className="muted">{t("friends.none")}</p>
        ) : (
          <ul className="people">
            {friends.map((friend) => {
              const online = presence.get(friend.id)?.online ?? friend.online;
              return (
                <li key={friend.id} data-testid="friend">
                  <Avatar user={friend} online={online} />
                  <span className="grow">
                    {friend.displayName} <span className="muted">@{friend.username}</span>
                    <span className="muted block">
                      {online ? t("presence.online") : t("presence.offline")}
                    </span>
                  </span>
                  <button type="button" onClick={() => void message(friend.id)}>
                    {t("friends.message")}
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </div>
  );
}

function AddFriend({ onSent }: { onSent: () => void }) {
  const controller = useChat();
  const { t } = useI18n();
  const me = useChatState((state) => state.me);
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<UserView[] | null>(null);
  const [sent, setSent] = useState<Set<string>>(new Set());
  const { error, run } = useAction();

  const search = (event: SyntheticEvent) => {
    event.preventDefault();
    if (query.trim() === "") return;
    void run(async () => {
      const users = await controller.client.users.search.query({ query: query.trim(), limit: 10 });
      setResults(users.filter((user) => user.id !== me.id));
    });
  };

  const request = (userId: string) =>
    run(async () => {
      await controller.client.friends.request.mutate({ userId });
      setSent((current) => new Set(current).add(userId));
      onSent();
    });

  return (
    <section aria-labelledby="add-friend-title">
      <h2 id="add-friend-title">{t("friends.add")}</h2>
      <form className="inline-form" onSubmit={search}>
        <label className="grow">
          <span className="visually-hidden">{t("friends.searchLabel")}</span>
          <input
            type="search"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            placeholder={t("friends.searchLabel")}
          />
        </label>
        <button type="submit">{t("common.search")}</button>
      </form>
      {error !== null && (
        <p className="form-error" role="alert">
          {error === "CONFLICT" ? t("friends.alreadyFriends") : t(`error.${error}`)}
        </p>
      )}
      {results !== null && results.length === 0 && <p className="muted">{t("common.noResults")}</p>}
      {results !== null && results.length > 0 && (
        <ul className="people">
          {results.map((user) => (
            <li key={user.id}>
              <Avatar user={user} />
              <span className="grow">
                {user.displayName} <span className="muted">@{user.username}</span>
              </span>
              <button type="button" disabled={sent.has(user.id)} onClick={() => void request(user.id)}>
                {sent.has(user.id) ? t("friends.requested") : t("friends.request")}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
