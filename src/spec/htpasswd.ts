// What nginx can check in a htpasswd file. nginx's auth_basic reads `user:hash` lines and checks
// the password with its own code for $apr1$, {PLAIN}, {SHA} and {SSHA}, and with the system's
// crypt() for the rest. Measured on edgekit's image of every tested release (Debian 12, 13 and
// testing: crypt() is libxcrypt), a right password gets 200 and a wrong one 401 for
// every one of $2y$/$2b$ bcrypt, $y$ yescrypt, $6$/$5$ SHA-crypt, $apr1$, $1$ MD5-crypt, DES,
// {SHA} and {PLAIN}; an entry that is no hash (`user:secret`) never matches, whatever the password
// (test/host/spec/htpasswd.live.test.ts). Hence: plaintext is refused, weak hashes are warned about.
// nginx checks the hash on every request, inside the worker, which serves nothing else meanwhile:
// measured on edgekit's newest release (a loaded 2-core machine, median of 20 requests on one connection),
// $apr1$ 0.2 ms, $6$ 1.3 ms, bcrypt cost 5 (htpasswd -B) 3.5 ms, cost 10 68 ms, cost 12 680 ms,
// yescrypt at its default cost 147 ms. So slow hashes are warned about too.
import type { Severity } from "../diagnostics.js";

export interface HtpasswdFinding {
  /** 1-based line of the file. */
  line: number;
  severity: Severity;
  message: string;
  fix?: string;
}

const B64 = "[./A-Za-z0-9]";
const BCRYPT = new RegExp(`^\\$2[aby]\\$([0-9]{2})\\$${B64}{53}$`);
/** The highest bcrypt cost whose check (2^cost rounds) stays a few milliseconds of worker time. */
const BCRYPT_MAX_COST = 9;
const SLOW: [RegExp, string][] = [[new RegExp(`^\\$y\\$${B64}+\\$${B64}+\\$${B64}{43}$`), "yescrypt (147 ms a check at its default cost)"]];
const STRONG: [RegExp, string][] = [
  [new RegExp(`^\\$6\\$(rounds=[0-9]+\\$)?[^$:]{1,16}\\$${B64}{86}$`), "SHA-512-crypt"],
  [new RegExp(`^\\$5\\$(rounds=[0-9]+\\$)?[^$:]{1,16}\\$${B64}{43}$`), "SHA-256-crypt"],
];
const WEAK: [RegExp, string][] = [
  [new RegExp(`^\\$apr1\\$[^$:]{1,8}\\$${B64}{22}$`), "$apr1$ (Apache's MD5, 1,000 rounds)"],
  [new RegExp(`^\\$1\\$[^$:]{1,8}\\$${B64}{22}$`), "$1$ MD5-crypt"],
  [/^\{SHA\}[A-Za-z0-9+/]{27}=$/, "{SHA} (unsalted SHA-1)"],
  [/^\{SSHA\}[A-Za-z0-9+/]{27,}={0,2}$/, "{SSHA} (salted SHA-1, one round)"],
  [new RegExp(`^${B64}{13}$`), "DES crypt (only the first 8 characters of the password count)"],
];
const STRONGER = "make the entry with bcrypt: htpasswd -B FILE USER (or openssl passwd -6 for SHA-512-crypt)";

/** Findings for a htpasswd file's text: errors for entries nginx can't check safely, warnings for weak ones. */
export function checkHtpasswd(text: string): HtpasswdFinding[] {
  const findings: HtpasswdFinding[] = [];
  const users = new Map<string, number>();
  text.split("\n").forEach((raw, index) => {
    const line = index + 1;
    const entry = raw.replace(/\r$/, "");
    // nginx skips empty lines and lines starting with '#'.
    if (entry === "" || entry.startsWith("#")) return;
    const colon = entry.indexOf(":");
    if (colon < 0) {
      findings.push({ line, severity: "warning", message: "no ':' on this line: nginx ignores it", fix: "write user:hash, or start a comment with '#'" });
      return;
    }
    const user = entry.slice(0, colon);
    // nginx ends the hash at the next ':' (a third field is a comment).
    const hash = entry.slice(colon + 1).split(":")[0]!;
    if (user === "") findings.push({ line, severity: "error", message: "an entry with no user name" });
    const first = users.get(user);
    if (first !== undefined) findings.push({ line, severity: "warning", message: `user '${user}' again (line ${first}): nginx checks only the first entry`, fix: "remove one of them" });
    else users.set(user, line);
    if (hash.startsWith("{PLAIN}")) {
      findings.push({ line, severity: "error", message: `user '${user}' has a plaintext password ({PLAIN}): anyone who reads the file can log in`, fix: STRONGER });
      return;
    }
    const bcrypt = BCRYPT.exec(hash);
    const slow = bcrypt && Number(bcrypt[1]) > BCRYPT_MAX_COST ? `bcrypt of cost ${bcrypt[1]} (cost 10: 68 ms a check, each step up doubles it)` : SLOW.find(([p]) => p.test(hash))?.[1];
    if (slow) {
      findings.push({
        line,
        severity: "warning",
        message: `user '${user}' has a slow hash, ${slow}: nginx checks it on every request inside a worker that serves nothing else meanwhile`,
        fix: `use bcrypt of cost ${BCRYPT_MAX_COST} or less (htpasswd -B -C 5 FILE USER: 3.5 ms a check)`,
      });
      return;
    }
    if (bcrypt || STRONG.some(([pattern]) => pattern.test(hash))) return;
    const weak = WEAK.find(([pattern]) => pattern.test(hash));
    if (weak) {
      findings.push({ line, severity: "warning", message: `user '${user}' has a weak hash, ${weak[1]}: quick to crack if the file leaks`, fix: STRONGER });
      return;
    }
    findings.push({
      line,
      severity: "error",
      message: `user '${user}' has no hash nginx can check (a plaintext password, or a format the system's crypt() does not know): nginx refuses every password for it`,
      fix: STRONGER,
    });
  });
  return findings;
}
