"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type SyntheticEvent } from "react";
import { LanguageSwitch } from "../../components/language-switch";
import { useI18n } from "../../lib/i18n";
import { errorCodeOf, useTRPC } from "../../lib/trpc";

export default function SignInPage() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const router = useRouter();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const signIn = useMutation(
    trpc.session.signIn.mutationOptions({
      onSuccess: () => router.replace("/"),
      onError: (error) => {
        if (errorCodeOf(error) === "FORBIDDEN") router.replace("/refused");
      },
    }),
  );
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    signIn.mutate({ username, password });
  };
  const code = signIn.error === null ? undefined : errorCodeOf(signIn.error);
  return (
    <main className="centered">
      <form className="card auth" onSubmit={onSubmit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{t("signIn.title")}</h1>
        <label>
          {t("signIn.username")}
          <input
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoComplete="username"
            required
          />
        </label>
        <label>
          {t("signIn.password")}
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="current-password"
            required
          />
        </label>
        {signIn.error !== null && code !== "FORBIDDEN" ? (
          <p role="alert" className="error">
            {code === "UNAUTHORIZED"
              ? t("signIn.wrong")
              : t("signIn.failed", { message: signIn.error.message })}
          </p>
        ) : null}
        <button type="submit" disabled={signIn.isPending}>
          {t("signIn.submit")}
        </button>
        <LanguageSwitch />
      </form>
    </main>
  );
}
