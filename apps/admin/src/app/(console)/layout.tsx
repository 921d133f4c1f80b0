import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { ConsoleShell } from "../../components/console-shell";
import { ACCESS_COOKIE, checkAccessToken, REFRESH_COOKIE } from "../../server/session";

export const dynamic = "force-dynamic";

/**
 * Only admins get past this layout. An expired access token with a refresh cookie is let through: the
 * page's first API call renews it (a server component cannot set cookies).
 */
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const store = await cookies();
  const check = checkAccessToken(store.get(ACCESS_COOKIE)?.value);
  if (check.kind === "signed-in" && check.session.role !== "admin") redirect("/refused");
  if (check.kind !== "signed-in" && store.get(REFRESH_COOKIE) === undefined) redirect("/sign-in");
  return <ConsoleShell>{children}</ConsoleShell>;
}
