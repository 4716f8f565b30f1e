// A real browser (headless Chromium) loads the reference page: the document, its CSS and script,
// and the script's three API calls all travel over HTTP/2 on ONE TCP connection: every one of them
// carries the same connection serial in nginx's access log ($connection). nginx's accepted count is
// printed too, but is not the proof: the exporter's first scrape of a fresh stack lands in it.
// The dev CA is pinned by SPKI hash so Chromium's first handshake succeeds: with ignoreHTTPSErrors
// alone it fails verification once and reconnects, which nginx counts as a second connection.
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spkiHash } from "./support/clients.js";
import { nginxLogSince } from "./support/reliability.js";
import { acceptedDuring, httpsUrl, noStack, stack } from "./support/stack.js";

const PAGE_PATHS = ["/static/index.html", "/static/app.css", "/static/app.js", "/api/tools", "/api/v1/config", "/version"];
const ENTRIES = `[...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")].map((e) => ({ name: e.name, entryType: e.entryType, nextHopProtocol: e.nextHopProtocol }))`;

/** The JSON access-log lines in `log` (the container's output also carries the error log). */
function accessLines(log: string): { uri: string; connection: number; protocol: string; user_agent: string }[] {
  return log.split("\n").flatMap((line) => {
    const start = line.indexOf("{");
    if (start < 0) return [];
    try {
      return [JSON.parse(line.slice(start)) as { uri: string; connection: number; protocol: string; user_agent: string }];
    } catch {
      return [];
    }
  });
}

interface Entry {
  name: string;
  entryType: string;
  nextHopProtocol: string;
}

describe.skipIf(noStack)("browser (headless Chromium)", () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-quic", "--disable-background-networking", "--disable-gpu", `--ignore-certificate-errors-spki-list=${spkiHash(stack().caCert)}`],
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("loads /static/index.html: every request is h2, all over one TCP connection", async () => {
    const context = await browser!.newContext({ ignoreHTTPSErrors: true });
    try {
      const page = await context.newPage();
      const failed: string[] = [];
      page.on("requestfailed", (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
      let entries: Entry[] = [];
      let text = "";
      const started = Date.now();
      const since = new Date(started - 1000);
      const accepted = await acceptedDuring(async () => {
        const response = await page.goto(httpsUrl("/static/index.html"), { waitUntil: "load" });
        expect(response?.status()).toBe(200);
        const out = page.locator("#out");
        await expect.poll(async () => (await out.textContent()) ?? "", { timeout: 10_000 }).toMatch(/^(api statuses|error)/);
        text = (await out.textContent()) ?? "";
        // Evaluated in the page (a string, so no DOM types are needed here). A fetch's resource entry
        // is queued when its body completes, which can be just after the script's .then() ran.
        await expect
          .poll(async () => {
            entries = (await page.evaluate(ENTRIES)) as Entry[];
            return entries.map((e) => new URL(e.name).pathname);
          }, { timeout: 5_000 })
          .toEqual(expect.arrayContaining(PAGE_PATHS));
      }, 8000);
      const elapsed = Date.now() - started;
      console.log(`[figure] browser: "${text}" in ${elapsed} ms; ${entries.length} entries (${entries.map((e) => `${new URL(e.name).pathname}=${e.nextHopProtocol}`).join(", ")}); nginx accepted ${accepted} connection(s)`);
      expect(failed).toEqual([]);
      expect(text).toBe("api statuses: 200, 200, 200");
      const paths = entries.map((e) => new URL(e.name).pathname);
      expect(paths).toEqual(expect.arrayContaining(PAGE_PATHS));
      expect(entries.length).toBeGreaterThanOrEqual(6);
      for (const e of entries) expect(e.nextHopProtocol, e.name).toBe("h2");
      // Every request of the page, by its access-log line: one connection serial for all of them.
      // The access log is buffered (logging.access.flush): wait for the lines to be written.
      const pathOf = (uri: string) => new URL(uri, "https://x").pathname;
      let pageLines: { uri: string; connection: number; protocol: string; user_agent: string }[] = [];
      await expect
        .poll(async () => {
          // The browser's lines only (other tests' clients may have just used the same paths).
          pageLines = accessLines(await nginxLogSince(since)).filter((l) => PAGE_PATHS.includes(pathOf(l.uri)) && l.user_agent.includes("Chrome"));
          return pageLines.map((l) => pathOf(l.uri));
        }, { timeout: 15_000, interval: 500 })
        .toEqual(expect.arrayContaining(PAGE_PATHS));
      expect(new Set(pageLines.map((l) => l.protocol))).toEqual(new Set(["HTTP/2.0"]));
      expect(new Set(pageLines.map((l) => l.connection)).size, `connections: ${JSON.stringify(pageLines)}`).toBe(1);
      expect(accepted).toBeGreaterThanOrEqual(1);
    } finally {
      await context.close();
    }
  });
});
