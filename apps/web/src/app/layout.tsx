import type { Metadata, Viewport } from "next";
import { cookies, headers } from "next/headers";
import type { ReactNode } from "react";
import { readPublicConfig } from "../env";
import { negotiateLang } from "../lib/messages";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: "GoChat",
  description: "Chat with friends and groups, live.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#2563eb" };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const [cookieStore, headerStore] = await Promise.all([cookies(), headers()]);
  const lang = negotiateLang(cookieStore.get("gochat.lang")?.value, headerStore.get("accept-language"));
  // Read per request: one build serves every deployment's endpoints.
  const config = readPublicConfig();
  return (
    <html lang={lang === "zh" ? "zh-CN" : "en"}>
      <body>
        <Providers config={config} lang={lang}>
          {children}
        </Providers>
      </body>
    </html>
  );
}
