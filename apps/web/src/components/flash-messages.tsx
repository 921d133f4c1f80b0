"use client";

import { useEffect, useState } from "react";
import { useChat } from "../lib/chat-context";
import type { Flash } from "../lib/chat-controller";
import { useI18n } from "../lib/i18n";

/** Refusals that arrive without a request waiting for them (a recall too late, say), shown briefly. */
export function FlashMessages() {
  const controller = useChat();
  const { t } = useI18n();
  const [flashes, setFlashes] = useState<Flash[]>([]);
  useEffect(
    () =>
      controller.onFlash((flash) => {
        setFlashes((current) => [...current, flash].slice(-3));
        setTimeout(() => {
          setFlashes((current) => current.filter((shown) => shown.id !== flash.id));
        }, 6_000);
      }),
    [controller],
  );
  return (
    <div className="flashes" role="alert" aria-live="assertive">
      {flashes.map((flash) => (
        <p key={flash.id} className="flash">
          {t(`error.${flash.code}`)}
        </p>
      ))}
    </div>
  );
}
