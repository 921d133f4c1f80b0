import type { Metadata, Viewport } from "next";
import { cookies, headers } from "next/headers";
import type { ReactNode } from "react";
import { LANG_COOKIE, negotiateLang } from "../lib/messages";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = { title: "GoChat admin", description: "GoChat's admin console" };
export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#0f172a" };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const [cookieStore, headerStore] = await Promise.all([cookies(), headers()]);
  const lang = negotiateLang(cookieStore.get(LANG_COOKIE)?.value, headerStore.get("accept-language"));
  return (
    <html lang={lang === "zh" ? "zh-CN" : "en"}>
      <body>
        <Providers lang={lang}>{children}</Providers>
      </body>
    </html>
  );
}
