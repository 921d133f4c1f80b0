"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useId, useState, type SyntheticEvent } from "react";
import { errorCode } from "../lib/api";
import { useAuth } from "../lib/auth";
import { useI18n, type MessageKey } from "../lib/i18n";
import { LanguageSwitch } from "./language-switch";

const USERNAME = /^[A-Za-z0-9_.-]{3,32}$/;

export function AuthForm({ mode }: { mode: "sign-in" | "sign-up" }) {
  const { t } = useI18n();
  const { session, signIn, signUp } = useAuth();
  const router = useRouter();
  const [username, setUsername] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<MessageKey | null>(null);
  const [busy, setBusy] = useState(false);
  const errorId = useId();

  useEffect(() => {
    if (session) router.replace("/chat");
  }, [session, router]);

  const validate = (): MessageKey | null => {
    if (!USERNAME.test(username)) return "auth.error.username";
    if (mode === "sign-up" && displayName.trim().length === 0) return "auth.error.displayName";
    if (mode === "sign-up" && password.length < 8) return "auth.error.passwordShort";
    if (password.length === 0) return "auth.error.passwordMissing";
    return null;
  };

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    const invalid = validate();
    setError(invalid);
    if (invalid !== null) return;
    setBusy(true);
    try {
      if (mode === "sign-in") await signIn(username, password);
      else await signUp(username, displayName.trim(), password);
    } catch (failure) {
      const code = errorCode(failure);
      setError(
        code === "UNAUTHENTICATED"
          ? "auth.error.wrongPassword"
          : code === "CONFLICT"
            ? "auth.error.taken"
            : code === "BAD_REQUEST"
              ? "auth.error.invalid"
              : code === "RATE_LIMITED"
                ? "error.RATE_LIMITED"
                : "error.UNAVAILABLE",
      );
    } finally {
      setBusy(false);
    }
  };

  const title = mode === "sign-in" ? t("auth.signIn") : t("auth.signUp");
  return (
    <main className="auth-page">
      <form
        className="auth-card"
        onSubmit={(event) => void submit(event)}
        noValidate
        aria-describedby={error ? errorId : undefined}
      >
        <div className="auth-brand">
          <span className="logo" aria-hidden="true">
            G
          </span>
          <h1>{title}</h1>
        </div>
        <label>
          {t("auth.username")}
          <input
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={username}
            onChange={(event) => setUsername(event.target.value)}
            aria-invalid={error === "auth.error.username" || error === "auth.error.taken"}
          />
        </label>
        {mode === "sign-up" && (
          <label>
            {t("auth.displayName")}
            <input
              name="displayName"
              autoComplete="nickname"
              required
              maxLength={64}
              value={displayName}
              onChange={(event) => setDisplayName(event.target.value)}
              aria-invalid={error === "auth.error.displayName"}
            />
          </label>
        )}
        <label>
          {t("auth.password")}
          <input
            name="password"
            type="password"
            autoComplete={mode === "sign-in" ? "current-password" : "new-password"}
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            aria-invalid={error !== null && error.startsWith("auth.error.password")}
          />
        </label>
        {error !== null && (
          <p id={errorId} role="alert" className="form-error">
            {t(error)}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t("common.wait") : title}
        </button>
        <p className="auth-switch">
          {mode === "sign-in" ? (
            <>
              {t("auth.noAccount")} <Link href="/sign-up">{t("auth.signUp")}</Link>
            </>
          ) : (
            <>
              {t("auth.haveAccount")} <Link href="/sign-in">{t("auth.signIn")}</Link>
            </>
          )}
        </p>
        <LanguageSwitch />
      </form>
    </main>
  );
}
