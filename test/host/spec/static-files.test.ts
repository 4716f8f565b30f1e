// The static-site fields: an HTML shell name, and a hashed-asset pattern that can't reach past the
// file name or out of its quoted nginx argument.
import { describe, expect, it } from "vitest";
import { spec } from "../../support/specs.js";

const staticRoute = (extra: Record<string, unknown>) => spec({ routes: [{ kind: "static", path: "/", root: "/srv/app", ...extra }] });

describe("static-site fields", () => {
  it("default to nothing, and to index.html and a dash-hex-dot pattern when set", () => {
    expect(staticRoute({}).routes![0]).toMatchObject({ spa: null, hashedAssets: null });
    expect(staticRoute({ spa: {}, hashedAssets: {} }).routes![0]).toMatchObject({ spa: { shell: "index.html" }, hashedAssets: { pattern: "-[0-9a-f]{8,}\\.", expires: "365d" } });
  });

  it.each([
    ["a shell that is not HTML", { spa: { shell: "index.php" } }, "an HTML file name"],
    ["a shell in another directory", { spa: { shell: "../index.html" } }, "an HTML file name"],
    ["a pattern with '/'", { hashedAssets: { pattern: "assets/.*" } }, "without '/'"],
    ["a pattern with '$'", { hashedAssets: { pattern: "\\.js$" } }, "without '/'"],
    ["a pattern with a quote", { hashedAssets: { pattern: '"; return 200 "x' } }, "without '/'"],
    ["a pattern that does not compile", { hashedAssets: { pattern: "-[0-9a-f" } }, "a regex that compiles"],
  ])("refuse %s", (_, extra, message) => {
    expect(() => staticRoute(extra)).toThrow(message);
  });
});
