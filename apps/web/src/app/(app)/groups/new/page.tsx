"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, type SyntheticEvent } from "react";
import { Avatar } from "../../../../components/avatar";
import { useAction } from "../../../../components/use-action";
import type { RouterOutputs } from "../../../../lib/api";
import { useChat } from "../../../../lib/chat-context";
import { useI18n } from "../../../../lib/i18n";

type Friend = RouterOutputs["friends"]["list"][number];

export default function NewGroupPage() {
  const controller = useChat();
  const router = useRouter();
  const { t } = useI18n();
  const [name, setName] = useState("");
  const [friends, setFriends] = useState<Friend[]>([]);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const { busy, error, run } = useAction();

  useEffect(() => {
    void run(async () => setFriends(await controller.client.friends.list.query()));
  }, [controller, run]);

  const create = (event: SyntheticEvent) => {
    event.preventDefault();
    if (name.trim() === "") return;
    void run(async () => {
      const group = await controller.client.groups.create.mutate({
        name: name.trim(),
        memberIds: [...chosen],
      });
      await controller.refreshConversations();
      router.push(`/chat/${group.id}`);
    });
  };

  return (
    <div className="page">
      <h1>{t("groups.newTitle")}</h1>
      <form className="stack" onSubmit={create}>
        <label>
          {t("groups.name")}
          <input value={name} maxLength={100} required onChange={(event) => setName(event.target.value)} />
        </label>
        <fieldset>
          <legend>{t("groups.chooseMembers")}</legend>
          {friends.length === 0 && <p className="muted">{t("groups.noFriends")}</p>}
          <ul className="people">
            {friends.map((friend) => (
              <li key={friend.id}>
                <label className="check-row">
                  <input
                    type="checkbox"
                    checked={chosen.has(friend.id)}
                    onChange={(event) => {
                      const next = new Set(chosen);
                      if (event.target.checked) next.add(friend.id);
                      else next.delete(friend.id);
                      setChosen(next);
                    }}
                  />
                  <Avatar user={friend} size={28} />
                  {friend.displayName} <span className="muted">@{friend.username}</span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        {error !== null && (
          <p className="form-error" role="alert">
            {t(`error.${error}`)}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || name.trim() === ""}>
          {t("groups.create")}
        </button>
      </form>
    </div>
  );
}
