"use client";

import type { UserView } from "@gochat/api";
import Link from "next/link";
import { useParams, useRouter } from "next/navigation";
import { useEffect, useId, useMemo, useState } from "react";
import { useChat, useChatState } from "../lib/chat-context";
import type { ConversationSummary } from "../lib/chat-store";
import { useI18n } from "../lib/i18n";
import { Avatar } from "./avatar";

/** Conversations by last activity, live, with a people search that opens a direct chat. */
export function ConversationList() {
  const { t } = useI18n();
  const conversations = useChatState((state) => state.conversations);
  const params = useParams<{ conversationId?: string }>();
  const sorted = useMemo(
    () =>
      [...(conversations?.values() ?? [])].sort(
        (a, b) => b.lastActivityAt - a.lastActivityAt || a.conversationId.localeCompare(b.conversationId),
      ),
    [conversations],
  );

  return (
    <div className="conversation-list">
      <PeopleSearch />
      <h2 className="visually-hidden">{t("chats.title")}</h2>
      {conversations === null ? (
        <p className="muted pad" role="status">
          {t("common.loading")}
        </p>
      ) : sorted.length === 0 ? (
        <p className="muted pad">{t("chats.empty")}</p>
      ) : (
        <ul aria-label={t("chats.title")}>
          {sorted.map((row) => (
            <ConversationRow
              key={row.conversationId}
              row={row}
              active={row.conversationId === params.conversationId}
            />
          ))}
        </ul>
      )}
    </div>
  );
}

function ConversationRow({ row, active }: { row: ConversationSummary; active: boolean }) {
  const { t, formatTime, formatDay } = useI18n();
  const me = useChatState((state) => state.me);
  const peer = useChatState((state) => (row.peerId === null ? undefined : state.users.get(row.peerId)));
  const online = useChatState((state) =>
    row.peerId === null ? undefined : state.presence.get(row.peerId)?.online,
  );
  const lastSender = useChatState((state) =>
    row.lastMessage === null ? undefined : state.users.get(row.lastMessage.senderId),
  );
  const typists = useChatState((state) => state.typing.get(row.conversationId));
  const typistName = useChatState((state) => {
    const first = typists?.keys().next().value;
    return first === undefined ? undefined : (state.users.get(first)?.displayName ?? "");
  });
  const name = row.group?.name ?? peer?.displayName ?? t("common.someone");
  // Someone typing replaces the preview, as on the chat's own typing line.
  const typing =
    typists === undefined || typists.size === 0
      ? undefined
      : typists.size > 1
        ? t("chat.typingMany", { count: typists.size })
        : row.kind === "direct"
          ? t("chats.typing")
          : t("chat.typingOne", { name: typistName ?? "" });
  const last = row.lastMessage;
  const preview =
    last === null
      ? t("chats.noMessages")
      : last.recalled
        ? t("chat.recalledPlaceholder")
        : last.senderId === me.id
          ? t("chats.youPrefix", { text: last.content })
          : row.kind === "group"
            ? `${lastSender?.displayName ?? ""}: ${last.content}`
            : last.content;
  const time = last?.createdAt ?? row.lastActivityAt;
  const today = new Date().toDateString() === new Date(time).toDateString();
  return (
    <li>
      <Link
        href={`/chat/${row.conversationId}`}
        className="conversation-row"
        aria-current={active ? "page" : undefined}
        data-testid="conversation-row"
        data-conversation-id={row.conversationId}
      >
        {row.group === null ? (
          // Presence is shared between friends only; for anyone else no dot is shown rather than a wrong one.
          <Avatar user={peer} name={name} online={online} />
        ) : (
          <Avatar name={row.group.name} color={row.group.avatarColor} />
        )}
        <span className="row-main">
          <span className="row-top">
            <span className="row-name">{name}</span>
            <time dateTime={new Date(time).toISOString()} className="row-time">
              {today ? formatTime(time) : formatDay(time)}
            </time>
          </span>
          <span className="row-bottom">
            <span className="row-preview" data-typing={typing !== undefined}>
              {typing ?? preview}
            </span>
            {row.unreadCount > 0 && (
              <span
                className="badge"
                data-testid="unread-count"
                aria-label={t("chats.unread", { count: row.unreadCount })}
              >
                {row.unreadCount > 999 ? "999+" : row.unreadCount}
              </span>
            )}
          </span>
        </span>
      </Link>
    </li>
  );
}

function PeopleSearch() {
  const { t } = useI18n();
  const controller = useChat();
  const router = useRouter();
  const me = useChatState((state) => state.me);
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<UserView[]>([]);
  const listId = useId();

  useEffect(() => {
    const trimmed = query.trim();
    if (trimmed.length === 0) {
      setResults([]);
      return;
    }
    // Debounced: one request once typing pauses.
    const timer = setTimeout(() => {
      controller.client.users.search
        .query({ query: trimmed, limit: 8 })
        .then((users) => {
          setResults(users.filter((user) => user.id !== me.id));
        })
        .catch(() => {
          setResults([]);
        });
    }, 200);
    return () => {
      clearTimeout(timer);
    };
  }, [query, controller, me.id]);

  const open = async (user: UserView) => {
    const { conversationId } = await controller.client.conversations.openDirect.mutate({ userId: user.id });
    controller.store.setUsers([user]);
    setQuery("");
    await controller.refreshConversations();
    router.push(`/chat/${conversationId}`);
  };

  return (
    <div className="people-search">
      <label>
        <span className="visually-hidden">{t("chats.searchPeople")}</span>
        <input
          type="search"
          placeholder={t("chats.searchPeople")}
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          aria-controls={results.length > 0 ? listId : undefined}
        />
      </label>
      {results.length > 0 && (
        <ul id={listId} className="search-results" aria-label={t("chats.searchResults")}>
          {results.map((user) => (
            <li key={user.id}>
              <button type="button" onClick={() => void open(user)} data-testid="search-result">
                <Avatar user={user} size={28} />
                <span>
                  {user.displayName} <span className="muted">@{user.username}</span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
