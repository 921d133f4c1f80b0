import type { UserView } from "@gochat/api";

/** A round initial on the person's (or group's) chosen colour, with an optional presence dot. */
export function Avatar({
  user,
  name,
  color,
  size = 36,
  online,
}: {
  user?: Pick<UserView, "displayName" | "avatarColor"> | undefined;
  name?: string;
  color?: string;
  size?: number;
  online?: boolean | undefined;
}) {
  const label = user?.displayName ?? name ?? "?";
  const background = user?.avatarColor ?? color ?? "#64748b";
  const first = label.trim().codePointAt(0);
  const initial = first === undefined ? "?" : String.fromCodePoint(first).toUpperCase();
  return (
    <span
      className="avatar"
      style={{ width: size, height: size, background, fontSize: size * 0.45 }}
      aria-hidden="true"
    >
      {initial}
      {online !== undefined && <span className="presence-dot" data-online={online} />}
    </span>
  );
}
