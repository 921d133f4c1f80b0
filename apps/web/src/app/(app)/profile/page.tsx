"use client";

import { useState, type SyntheticEvent } from "react";
import { Avatar } from "../../../components/avatar";
import { useAction } from "../../../components/use-action";
import { useAuth } from "../../../lib/auth";
import { useChat, useChatState } from "../../../lib/chat-context";
import { useI18n } from "../../../lib/i18n";

const COLOURS = [
  "#2563eb",
  "#7c3aed",
  "#db2777",
  "#dc2626",
  "#ea580c",
  "#ca8a04",
  "#16a34a",
  "#0d9488",
  "#475569",
];

export default function ProfilePage() {
  const controller = useChat();
  const { setUser } = useAuth();
  const { t } = useI18n();
  const me = useChatState((state) => state.me);
  const [displayName, setDisplayName] = useState(me.displayName);
  const [avatarColor, setAvatarColor] = useState(me.avatarColor);
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAction();

  const save = (event: SyntheticEvent) => {
    event.preventDefault();
    setSaved(false);
    void run(async () => {
      const user = await controller.client.users.updateProfile.mutate({
        displayName: displayName.trim(),
        avatarColor,
      });
      controller.store.setMe(user);
      setUser(user);
      setSaved(true);
    });
  };

  return (
    <div className="page">
      <h1>{t("profile.title")}</h1>
      <form className="stack" onSubmit={save}>
        <div className="profile-preview">
          <Avatar user={{ displayName: displayName || me.displayName, avatarColor }} size={64} />
          <span className="muted">@{me.username}</span>
        </div>
        <label>
          {t("auth.displayName")}
          <input
            value={displayName}
            maxLength={64}
            required
            onChange={(event) => setDisplayName(event.target.value)}
          />
        </label>
        <fieldset>
          <legend>{t("profile.avatarColour")}</legend>
          <div className="swatches">
            {COLOURS.map((colour) => (
              <label key={colour} className="swatch" style={{ background: colour }}>
                <input
                  type="radio"
                  name="avatarColor"
                  value={colour}
                  checked={avatarColor === colour}
                  onChange={() => setAvatarColor(colour)}
                />
                <span className="visually-hidden">{colour}</span>
              </label>
            ))}
          </div>
        </fieldset>
        {error !== null && (
          <p className="form-error" role="alert">
            {t(`error.${error}`)}
          </p>
        )}
        {saved && <p role="status">{t("profile.saved")}</p>}
        <button type="submit" className="primary" disabled={busy || displayName.trim() === ""}>
          {t("common.save")}
        </button>
      </form>
    </div>
  );
}
