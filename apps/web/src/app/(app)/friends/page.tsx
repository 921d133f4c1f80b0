"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import { Avatar } from "../../../components/avatar";
import { useAction } from "../../../components/use-action";
import { UserSearch } from "../../../components/user-search";
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
  const [sent, setSent] = useState<Set<string>>(new Set());
  return (
    <UserSearch
      title={t("friends.add")}
      titleId="add-friend-title"
      label={(user) => (sent.has(user.id) ? t("friends.requested") : t("friends.request"))}
      done={(user) => sent.has(user.id)}
      act={async (user) => {
        await controller.client.friends.request.mutate({ userId: user.id });
        setSent((current) => new Set(current).add(user.id));
        onSent();
      }}
      describeError={(code) => (code === "CONFLICT" ? t("friends.alreadyFriends") : undefined)}
    />
  );
}
