import { defineConfig } from "vitest/config";

// Two projects, named for what they need: `host` (real tools on the host: nginx, haproxy, caddy,
// wrk, h2load, openssl, promtool, docker-compose v1 and v2) and `containers` (the generated stack in Docker
// containers, started once by a global setup, checked with real clients up to headless Chromium),
// and `scenarios` (each example edge, from examples/, run by docker compose with the upstreams it
// names, and checked on the wire: test/scenarios/support/scenario.ts).
// `npx vitest run --project host` runs one.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "host",
          include: ["test/host/**/*.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "containers",
          include: ["test/containers/**/*.test.ts"],
          globalSetup: ["test/containers/global-setup.ts"],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          name: "scenarios",
          include: ["test/scenarios/**/*.test.ts"],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
