import { AppError } from "@gochat/contracts";
import { WindowCounter } from "@gochat/messaging";

export interface AuthLimits {
  /** Failed sign-ins allowed per account within `signInWindowMs`, from anywhere. */
  signInFailuresPerAccount: number;
  /** Failed sign-ins allowed per client address within `signInWindowMs`, whatever the account. */
  signInFailuresPerAddress: number;
  signInWindowMs: number;
  /** Accounts one client address may create within `signUpWindowMs`. */
  signUpsPerAddress: number;
  signUpWindowMs: number;
}

/** Production defaults, close to OWASP's guidance for credential stuffing and account-creation abuse. */
export const DEFAULT_AUTH_LIMITS: AuthLimits = {
  signInFailuresPerAccount: 10,
  signInFailuresPerAddress: 100,
  signInWindowMs: 15 * 60_000,
  signUpsPerAddress: 20,
  signUpWindowMs: 60 * 60_000,
};

function rateLimited(what: string, blockedForMs: number): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(blockedForMs / 1000));
  return new AppError("RATE_LIMITED", `too many ${what}; try again in ${retryAfterSeconds} s`, {
    details: { retryAfterSeconds },
  });
}

/**
 * Throttles sign-in and sign-up in im-repo's memory. An account is throttled on its failures wherever they
 * come from (password guessing spread over many addresses), an address on its failures whatever the account
 * (one address trying many accounts). Both are checked before any password is looked at, so a throttled
 * caller learns nothing about the password, and an attempt counts as a failure from its start, so attempts
 * made at once (a batch of sign-ins) cannot all slip through before the first one fails. A success clears
 * the account's failures and takes back its own count from the address.
 */
export class AuthThrottle {
  readonly #accountFailures: WindowCounter;
  readonly #addressFailures: WindowCounter;
  readonly #addressSignUps: WindowCounter;

  constructor(limits: AuthLimits = DEFAULT_AUTH_LIMITS) {
    this.#accountFailures = new WindowCounter({
      limit: limits.signInFailuresPerAccount,
      windowMs: limits.signInWindowMs,
    });
    this.#addressFailures = new WindowCounter({
      limit: limits.signInFailuresPerAddress,
      windowMs: limits.signInWindowMs,
    });
    this.#addressSignUps = new WindowCounter({
      limit: limits.signUpsPerAddress,
      windowMs: limits.signUpWindowMs,
    });
  }

  /**
   * Starts a sign-in attempt, counted as failed until {@link signInSucceeded}; throws RATE_LIMITED (with
   * `retryAfterSeconds`) when the account or the address may not try now.
   */
  beginSignIn(account: string, address: string): void {
    const blockedForMs = Math.max(
      this.#accountFailures.blockedForMs(account),
      this.#addressFailures.blockedForMs(address),
    );
    if (blockedForMs > 0) throw rateLimited("failed sign-ins", blockedForMs);
    this.#accountFailures.record(account);
    this.#addressFailures.record(address);
  }

  signInSucceeded(account: string, address: string): void {
    this.#accountFailures.reset(account);
    this.#addressFailures.forgive(address);
  }

  /** Counts a sign-up attempt from `address`, or throws RATE_LIMITED when it has made too many. */
  takeSignUp(address: string): void {
    const blockedForMs = this.#addressSignUps.blockedForMs(address);
    if (blockedForMs > 0) throw rateLimited("accounts created from this address", blockedForMs);
    this.#addressSignUps.record(address);
  }
}
