import { displayText } from "@gochat/contracts";
import { z } from "zod";

export const username = z
  .string()
  .trim()
  .min(3, "must be at least 3 characters")
  .max(32, "must be at most 32 characters")
  .regex(/^[A-Za-z0-9_.-]+$/, "may use only letters, digits, _ . and -");

export const password = z
  .string()
  .min(8, "must be at least 8 characters")
  .max(200, "must be at most 200 characters");

export const displayName = displayText(100);

export const refreshToken = z.string().min(16).max(200);
