/** Exit codes, in one place: CI scripts can tell "fix your spec" from "something differs or failed". */
export const EXIT = {
  ok: 0,
  /** Generated files out of sync (--check), nginx -t failed, a write refused or failed. */
  failed: 1,
  /** The spec (or the command line) is invalid. */
  invalid: 2,
  /** The environment lacks something the command needs (nginx, openssl, docker). */
  environment: 3,
} as const;
