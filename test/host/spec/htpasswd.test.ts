// The htpasswd check on its own: how lines are read (as nginx reads them) and what is said of each.
import { describe, expect, it } from "vitest";
import { checkHtpasswd } from "../../../src/spec/htpasswd.js";

const BCRYPT5 = "$2y$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a";

describe("checkHtpasswd", () => {
  it("says nothing of bcrypt entries, comments, blank lines and CRLF endings", () => {
    expect(checkHtpasswd(`# admins\r\nalice:${BCRYPT5}\r\n\r\nbob:${BCRYPT5}:a comment\n`)).toEqual([]);
  });

  it("refuses {PLAIN} and entries that are no hash, with their line", () => {
    const findings = checkHtpasswd(`alice:${BCRYPT5}\nbob:{PLAIN}hunter2\ncarol:hunter2\n`);
    expect(findings.map((f) => [f.line, f.severity])).toEqual([
      [2, "error"],
      [3, "error"],
    ]);
    expect(findings[0]!.message).toContain("plaintext");
    expect(findings[1]!.message).toContain("no hash nginx can check");
  });

  it("warns of a bcrypt cost above 9 (checked in the worker on every request), not of 9", () => {
    const cost = (c: string) => checkHtpasswd(`a:$2b$${c}$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a\n`);
    expect(cost("09")).toEqual([]);
    expect(cost("12")).toEqual([expect.objectContaining({ severity: "warning", message: expect.stringContaining("bcrypt of cost 12") })]);
  });

  it("warns of a line nginx ignores and of a user listed twice (only the first counts)", () => {
    expect(checkHtpasswd(`alice\nbob:${BCRYPT5}\nbob:${BCRYPT5}\n`).map((f) => [f.line, f.severity, f.message])).toEqual([
      [1, "warning", "no ':' on this line: nginx ignores it"],
      [3, "warning", "user 'bob' again (line 2): nginx checks only the first entry"],
    ]);
  });

  it("refuses an entry with no user name", () => {
    expect(checkHtpasswd(`:${BCRYPT5}\n`)).toEqual([expect.objectContaining({ line: 1, severity: "error", message: "an entry with no user name" })]);
  });
});
