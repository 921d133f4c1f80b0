"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { useAuth } from "../lib/auth";

export default function Home() {
  const { session } = useAuth();
  const router = useRouter();
  useEffect(() => {
    if (session !== undefined) router.replace(session === null ? "/sign-in" : "/chat");
  }, [session, router]);
  return null;
}
