// The string-only path logic the static rules rely on: '..', '.', repeated and trailing slashes.
import { describe, expect, it } from "vitest";
import { inProject, normalizeDir, outsideProject, relation, within } from "../../../src/spec/paths.js";

describe("spec paths", () => {
  it("normalises '..', '.', repeated and trailing slashes", () => {
    expect(normalizeDir("/srv/static/../../etc/nginx/certs/")).toBe("/etc/nginx/certs");
    expect(normalizeDir("//")).toBe("/");
    expect(normalizeDir("./a//b/.")).toBe("a/b");
  });

  it("tells is, contains and is inside apart, by whole path segments", () => {
    expect(relation("/etc/nginx/certs/", "/etc/nginx/certs")).toBe("is");
    expect(relation("/etc", "/etc/nginx/certs")).toBe("contains");
    expect(relation("/", "/etc")).toBe("contains");
    expect(relation("/etc/nginx/certs/live", "/etc/nginx/certs")).toBe("is inside");
    expect(relation("/etc/nginx/certs2", "/etc/nginx/certs")).toBeNull();
    expect(relation("/srv/a/../etc", "/srv/etc")).toBe("is");
    expect(within("/anything", "/")).toBe(true);
  });

  it("finds relative paths that leave the spec's directory", () => {
    for (const p of ["..", "../", "../x", "a/../../x", "./../x"]) expect(outsideProject(p), p).toBe(true);
    for (const p of [".", "./", "a", "a/../b", "..a", "a/.."]) expect(outsideProject(p), p).toBe(false);
    expect(relation(inProject("deploy"), inProject("deploy/tls"))).toBe("contains");
  });
});
