"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import Link from "next/link";
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from "react";
import { errorCode } from "../lib/api";
import { useChat, useChatState } from "../lib/chat-context";
import type { ChatItem, ConversationSummary, Timeline } from "../lib/chat-store";
import { useI18n } from "../lib/i18n";
import { Avatar } from "./avatar";

/** The sender's own recall window; owners and admins of a group may recall any message. */
const RECALL_WINDOW_MS = 2 * 60 * 1000;
const MAX_CHARS = 4000;
const EMPTY: Timeline = { items: [], hasOlder: true, readers: new Map() };

export function ChatView({ conversationId }: { conversationId: string }) {
  const controller = useChat();
  const { t } = useI18n();
  const row = useChatState((state) => state.conversations?.get(conversationId));
  const listLoaded = useChatState((state) => state.conversations !== null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    controller.openConversation(conversationId).catch((error: unknown) => {
      setFailure(errorCode(error));
    });
    return () => {
      controller.closeConversation(conversationId);
    };
  }, [controller, conversationId]);

  if (failure !== null) {
    return (
      <div className="empty-state" role="alert">
        <p>{t(failure === "NOT_A_MEMBER" ? "chat.notMember" : "error.UNAVAILABLE")}</p>
        <Link href="/chat">{t("chat.backToList")}</Link>
      </div>
    );
  }
  if (row === undefined) {
    return (
      <p className="muted pad" role="status">
        {listLoaded ? t("chat.notMember") : t("common.loading")}
      </p>
    );
  }
  return (
    <section className="chat" aria-labelledby="chat-title">
      <ChatHeader row={row} />
      <MessageList row={row} />
      <TypingLine conversationId={conversationId} />
      <Composer row={row} />
    </section>
  );
}

function ChatHeader({ row }: { row: ConversationSummary }) {
  const { t, formatTime, formatDay } = useI18n();
  const peer = useChatState((state) => (row.peerId === null ? undefined : state.users.get(row.peerId)));
  const presence = useChatState((state) =>
    row.peerId === null ? undefined : state.presence.get(row.peerId),
  );
  const name = row.group?.name ?? peer?.displayName ?? t("common.someone");
  let status = "";
  if (row.group !== null) {
    const count = row.group.memberCount;
    status = count === 1 ? t("chat.memberOne") : t("chat.members", { count });
  } else if (presence?.online === true) status = t("presence.online");
  else if (presence?.lastSeen != null) {
    const seen = presence.lastSeen;
    const today = new Date().toDateString() === new Date(seen).toDateString();
    status = t("presence.lastSeen", { when: today ? formatTime(seen) : formatDay(seen) });
  }
  return (
    <header className="chat-header">
      <Link href="/chat" className="back-link" aria-label={t("chat.backToList")}>
        ‹
      </Link>
      {row.group === null ? (
        <Avatar user={peer} name={name} online={presence?.online} />
      ) : (
        <Avatar name={row.group.name} color={row.group.avatarColor} />
      )}
      <div className="chat-title">
        <h1 id="chat-title">{name}</h1>
        <p className="muted" data-testid="chat-status">
          {status}
        </p>
      </div>
      {row.group !== null && (
        <Link href={`/groups/${row.conversationId}`} className="button ghost">
          {t("chat.groupInfo")}
        </Link>
      )}
    </header>
  );
}

function sameDay(a: number, b: number): boolean {
  return new Date(a).toDateString() === new Date(b).toDateString();
}

function MessageList({ row }: { row: ConversationSummary }) {
  const controller = useChat();
  const { t } = useI18n();
  const conversationId = row.conversationId;
  const timeline = useChatState((state) => state.timelines.get(conversationId)) ?? EMPTY;
  const items = timeline.items;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  // The state drives the indicator; the ref stops a burst of scroll events starting the same load twice.
  const loadingRef = useRef(false);
  const stickToBottom = useRef(true);
  // Mirrors stickToBottom for rendering: scrolled up, new messages are offered with a button.
  const [awayFromLatest, setAwayFromLatest] = useState(false);
  const anchor = useRef<{ key: string; distanceFromBottom: number } | null>(null);
  const lastCount = useRef(0);

  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 60,
    getItemKey: (index) => items[index]?.key ?? index,
    overscan: 10,
  });

  // Older pages are prepended: keep the message that was in view where it was.
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (element === null) return;
    if (anchor.current !== null && items[0]?.key !== anchor.current.key) {
      // scrollHeight, not the list's size: it includes the lines above the list, which come and go.
      element.scrollTop = element.scrollHeight - anchor.current.distanceFromBottom;
      anchor.current = null;
    } else if (items.length !== lastCount.current && stickToBottom.current && items.length > 0) {
      virtualizer.scrollToIndex(items.length - 1, { align: "end" });
    }
    lastCount.current = items.length;
  }, [items, virtualizer]);

  const loadOlder = useCallback(() => {
    const element = scrollRef.current;
    if (loadingRef.current || !timeline.hasOlder || element === null || items.length === 0) return;
    loadingRef.current = true;
    setLoadingOlder(true);
    anchor.current = {
      key: items[0]?.key ?? "",
      distanceFromBottom: element.scrollHeight - element.scrollTop,
    };
    controller
      .loadOlder(conversationId)
      .catch(() => {
        anchor.current = null;
      })
      .finally(() => {
        loadingRef.current = false;
        setLoadingOlder(false);
      });
  }, [controller, conversationId, items, timeline.hasOlder]);

  const onScroll = () => {
    const element = scrollRef.current;
    if (element === null) return;
    stickToBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 80;
    setAwayFromLatest(!stickToBottom.current);
    if (element.scrollTop < 300) loadOlder();
    controller.setViewingLatest(conversationId, stickToBottom.current);
  };

  // A short first page may not fill the screen, so no scroll event would ever ask for more.
  useEffect(() => {
    const element = scrollRef.current;
    if (
      element !== null &&
      element.scrollHeight <= element.clientHeight &&
      timeline.hasOlder &&
      items.length > 0
    ) {
      loadOlder();
    }
  }, [items.length, timeline.hasOlder, loadOlder]);

  const virtualItems = virtualizer.getVirtualItems();
  return (
    <div className="message-pane">
      {loadingOlder && (
        <p className="history-loading" role="status">
          {t("common.loading")}
        </p>
      )}
      {awayFromLatest && row.unreadCount > 0 && (
        <button
          type="button"
          className="jump-to-latest primary"
          onClick={() => {
            stickToBottom.current = true;
            virtualizer.scrollToIndex(items.length - 1, { align: "end" });
          }}
        >
          {t("chat.newMessages", { count: row.unreadCount })}
        </button>
      )}
      <div
        ref={scrollRef}
        className="message-scroller"
        onScroll={onScroll}
        role="log"
        aria-label={t("chat.messages")}
        aria-live="polite"
        data-testid="message-list"
        tabIndex={0}
      >
        {!timeline.hasOlder && items.length > 0 && (
          <p className="history-start muted">{t("chat.historyStart")}</p>
        )}

        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {virtualItems.map((virtual) => {
            const item = items[virtual.index];
            if (item === undefined) return null;
            const previous = items[virtual.index - 1];
            return (
              <div
                key={virtual.key}
                data-index={virtual.index}
                ref={virtualizer.measureElement}
                className="message-slot"
                style={{ transform: `translateY(${virtual.start}px)` }}
              >
                {(previous === undefined || !sameDay(previous.createdAt, item.createdAt)) && (
                  <DateSeparator at={item.createdAt} />
                )}
                <MessageBubble
                  item={item}
                  row={row}
                  readers={item.seq === null ? undefined : timeline.readers.get(item.seq)}
                  showSender={row.kind === "group" && previous?.senderId !== item.senderId}
                />
              </div>
            );
          })}
        </div>
        {items.length === 0 && <p className="muted pad">{t("chat.empty")}</p>}
      </div>
    </div>
  );
}

function DateSeparator({ at }: { at: number }) {
  const { formatDay } = useI18n();
  return (
    <div className="date-separator" role="separator">
      <span>{formatDay(at)}</span>
    </div>
  );
}

function MessageBubble({
  item,
  row,
  readers,
  showSender,
}: {
  item: ChatItem;
  row: ConversationSummary;
  readers: number | undefined;
  showSender: boolean;
}) {
  const controller = useChat();
  const { t, formatTime } = useI18n();
  const me = useChatState((state) => state.me);
  const sender = useChatState((state) => state.users.get(item.senderId));
  const mine = item.senderId === me.id;
  const [now, setNow] = useState(() => Date.now());
  const withinWindow = now - item.createdAt < RECALL_WINDOW_MS;
  const moderator = row.kind === "group" && (row.role === "owner" || row.role === "admin");
  const canRecall = item.messageId !== null && !item.recalled && ((mine && withinWindow) || moderator);

  // The recall button disappears when the window closes.
  useEffect(() => {
    if (!mine || item.recalled || !withinWindow) return;
    const timer = setTimeout(() => setNow(Date.now()), RECALL_WINDOW_MS - (Date.now() - item.createdAt) + 50);
    return () => clearTimeout(timer);
  }, [mine, item.recalled, item.createdAt, withinWindow]);

  let status: string | null = null;
  if (mine && !item.recalled) {
    if (item.state === "sending") status = t("message.sending");
    else if (item.state === "failed") status = t("message.failed");
    else if (row.kind === "direct" && item.seq !== null && (row.peerReadSeq ?? 0) >= item.seq)
      status = t("message.read");
    else if (row.kind === "group" && readers !== undefined && readers > 0)
      status = t("message.readBy", { count: readers });
    else status = t("message.sent");
  }

  return (
    <article
      className="message"
      data-mine={mine}
      data-testid="message"
      data-seq={item.seq ?? ""}
      data-state={item.state}
      data-recalled={item.recalled}
      aria-label={t("message.from", {
        name: mine ? t("message.you") : (sender?.displayName ?? t("common.someone")),
      })}
    >
      {!mine && row.kind === "group" && (
        <span className="message-avatar">{showSender && <Avatar user={sender} size={28} />}</span>
      )}
      <div className="bubble-wrap">
        {showSender && !mine && (
          <span className="sender-name">{sender?.displayName ?? t("common.someone")}</span>
        )}
        <div className="bubble" data-recalled={item.recalled}>
          {item.recalled ? (
            <em className="recalled">{mine ? t("chat.youRecalled") : t("chat.recalledPlaceholder")}</em>
          ) : (
            <p className="message-text">{item.content}</p>
          )}
        </div>
        <div className="message-meta">
          <time dateTime={new Date(item.createdAt).toISOString()}>{formatTime(item.createdAt)}</time>
          {status !== null && (
            <span
              className="message-status"
              data-testid="message-status"
              data-status={item.state}
              title={item.error === null ? undefined : t(`error.${item.error}`)}
            >
              {status}
            </span>
          )}
          {item.state === "failed" && (
            <>
              <button
                type="button"
                className="link"
                onClick={() => controller.retry(row.conversationId, item.clientMsgId)}
              >
                {t("message.retry")}
              </button>
              <button
                type="button"
                className="link"
                onClick={() => controller.discard(row.conversationId, item.clientMsgId)}
              >
                {t("message.discard")}
              </button>
            </>
          )}
          {canRecall && item.messageId !== null && (
            <button
              type="button"
              className="link"
              onClick={() => {
                if (item.messageId !== null) controller.recall(row.conversationId, item.messageId);
              }}
            >
              {t("message.recall")}
            </button>
          )}
        </div>
      </div>
    </article>
  );
}

function TypingLine({ conversationId }: { conversationId: string }) {
  const { t } = useI18n();
  const typists = useChatState((state) => state.typing.get(conversationId));
  const users = useChatState((state) => state.users);
  const names = [...(typists?.keys() ?? [])].map((id) => users.get(id)?.displayName ?? t("common.someone"));
  return (
    <p className="typing-line muted" aria-live="polite" data-testid="typing">
      {names.length === 0
        ? ""
        : names.length === 1
          ? t("chat.typingOne", { name: names[0] ?? "" })
          : t("chat.typingMany", { count: names.length })}
    </p>
  );
}

function Composer({ row }: { row: ConversationSummary }) {
  const controller = useChat();
  const { t } = useI18n();
  const [text, setText] = useState("");
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const tooLong = text.length > MAX_CHARS;

  const send = () => {
    const content = text.trim();
    if (content.length === 0 || tooLong) return;
    controller.send(row.conversationId, content);
    setText("");
    inputRef.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  };

  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <label className="visually-hidden" htmlFor="composer-input">
        {t("chat.messageLabel")}
      </label>
      <textarea
        id="composer-input"
        ref={inputRef}
        rows={1}
        value={text}
        placeholder={t("chat.placeholder")}
        onChange={(event) => {
          setText(event.target.value);
          controller.typing(row.conversationId, event.target.value.length > 0);
        }}
        onBlur={() => controller.typing(row.conversationId, false)}
        onKeyDown={onKeyDown}
        aria-invalid={tooLong}
        aria-describedby={tooLong ? "composer-error" : undefined}
      />
      {tooLong && (
        <p id="composer-error" className="form-error" role="alert">
          {t("chat.tooLong", { max: MAX_CHARS })}
        </p>
      )}
      <button type="submit" className="primary" disabled={text.trim().length === 0 || tooLong}>
        {t("chat.send")}
      </button>
    </form>
  );
}
