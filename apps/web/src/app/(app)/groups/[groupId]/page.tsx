"use client";

import Link from "next/link";
import { useParams } from "next/navigation";
import { useCallback, useEffect, useState, type SyntheticEvent } from "react";
import { Avatar } from "../../../../components/avatar";
import { useAction } from "../../../../components/use-action";
import { UserSearch } from "../../../../components/user-search";
import type { RouterOutputs } from "../../../../lib/api";
import { useChat, useChatState } from "../../../../lib/chat-context";
import { useI18n } from "../../../../lib/i18n";

type Group = RouterOutputs["groups"]["get"];
type Member = RouterOutputs["groups"]["members"]["members"][number];

export default function GroupPage() {
  const { groupId } = useParams<{ groupId: string }>();
  const controller = useChat();
  const { t } = useI18n();
  const me = useChatState((state) => state.me);
  const users = useChatState((state) => state.users);
  const [group, setGroup] = useState<Group | null>(null);
  const [members, setMembers] = useState<Member[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const { busy, error, run } = useAction();

  const load = useCallback(async () => {
    const [info, page] = await Promise.all([
      controller.client.groups.get.query({ groupId }),
      controller.client.groups.members.query({ groupId, limit: 200 }),
    ]);
    setGroup(info);
    setAnnouncement(info.announcement);
    setMembers(page.members);
    setNextCursor(page.nextCursor);
    await controller.ensureUsers(page.members.map((member) => member.userId));
  }, [controller, groupId]);

  useEffect(() => {
    void run(load);
  }, [load, run]);

  const more = () =>
    run(async () => {
      if (nextCursor === null) return;
      const page = await controller.client.groups.members.query({ groupId, after: nextCursor, limit: 200 });
      setMembers((current) => [...current, ...page.members]);
      setNextCursor(page.nextCursor);
      await controller.ensureUsers(page.members.map((member) => member.userId));
    });

  const saveAnnouncement = (event: SyntheticEvent) => {
    event.preventDefault();
    void run(async () => {
      setGroup({
        ...(await controller.client.groups.updateAnnouncement.mutate({ groupId, announcement })),
        myRole: group?.myRole ?? "member",
      });
    });
  };

  const setRole = (userId: string, role: "admin" | "member") =>
    run(async () => {
      await controller.client.groups.setRole.mutate({ groupId, userId, role });
      await load();
    });

  const remove = (userId: string) =>
    run(async () => {
      await controller.client.groups.removeMember.mutate({ groupId, userId });
      await load();
      await controller.refreshConversations();
    });

  if (group === null) {
    return (
      <div className="page">
        {error === null ? (
          <p className="muted">{t("common.loading")}</p>
        ) : (
          <p role="alert">{t(`error.${error}`)}</p>
        )}
      </div>
    );
  }
  const canManage = group.myRole === "owner" || group.myRole === "admin";
  return (
    <div className="page">
      <div className="page-title">
        <h1>{group.name}</h1>
        <Link href={`/chat/${groupId}`} className="button">
          {t("groups.openChat")}
        </Link>
      </div>
      <p className="muted">
        {group.memberCount === 1 ? t("chat.memberOne") : t("chat.members", { count: group.memberCount })} ·{" "}
        {t(`role.${group.myRole}`)}
      </p>
      {error !== null && (
        <p className="form-error" role="alert">
          {t(`error.${error}`)}
        </p>
      )}

      <section aria-labelledby="announcement-title">
        <h2 id="announcement-title">{t("groups.announcement")}</h2>
        {canManage ? (
          <form className="stack" onSubmit={saveAnnouncement}>
            <label>
              <span className="visually-hidden">{t("groups.announcement")}</span>
              <textarea
                rows={3}
                maxLength={2000}
                value={announcement}
                onChange={(event) => setAnnouncement(event.target.value)}
              />
            </label>
            <button type="submit" disabled={busy || announcement === group.announcement}>
              {t("groups.saveAnnouncement")}
            </button>
          </form>
        ) : (
          <p data-testid="announcement">
            {group.announcement === "" ? (
              <span className="muted">{t("groups.noAnnouncement")}</span>
            ) : (
              group.announcement
            )}
          </p>
        )}
      </section>

      {canManage && (
        <InviteMembers
          groupId={groupId}
          memberIds={new Set(members.map((m) => m.userId))}
          onAdded={() => void run(load)}
        />
      )}

      <section aria-labelledby="members-title">
        <h2 id="members-title">{t("groups.memberList")}</h2>
        <ul className="people" data-testid="members">
          {members.map((member) => {
            const user = users.get(member.userId);
            const isMe = member.userId === me.id;
            return (
              <li key={member.userId} data-testid="member">
                <Avatar user={user} size={28} />
                <span className="grow">
                  {user?.displayName ?? t("common.someone")}{" "}
                  {isMe && <span className="muted">({t("message.you")})</span>}
                </span>
                <span className="role-tag">{t(`role.${member.role}`)}</span>
                {group.myRole === "owner" && !isMe && (
                  <button
                    type="button"
                    onClick={() => void setRole(member.userId, member.role === "admin" ? "member" : "admin")}
                  >
                    {member.role === "admin" ? t("groups.makeMember") : t("groups.makeAdmin")}
                  </button>
                )}
                {canManage &&
                  !isMe &&
                  member.role !== "owner" &&
                  (group.myRole === "owner" || member.role === "member") && (
                    <button type="button" onClick={() => void remove(member.userId)}>
                      {t("groups.remove")}
                    </button>
                  )}
              </li>
            );
          })}
        </ul>
        {nextCursor !== null && (
          <button type="button" onClick={() => void more()}>
            {t("groups.moreMembers")}
          </button>
        )}
      </section>
    </div>
  );
}

function InviteMembers({
  groupId,
  memberIds,
  onAdded,
}: {
  groupId: string;
  memberIds: Set<string>;
  onAdded: () => void;
}) {
  const controller = useChat();
  const { t } = useI18n();
  return (
    <UserSearch
      title={t("groups.invite")}
      titleId="invite-title"
      label={(user) => (memberIds.has(user.id) ? t("groups.alreadyMember") : t("groups.inviteButton"))}
      done={(user) => memberIds.has(user.id)}
      act={async (user) => {
        await controller.client.groups.addMembers.mutate({ groupId, userIds: [user.id] });
        onAdded();
        await controller.refreshConversations();
      }}
    />
  );
}
