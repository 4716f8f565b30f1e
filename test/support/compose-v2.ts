// Where the tests find Docker Compose v2: scripts/docker-ready.sh installs it beside v1 (scripts/lib/compose-v2.sh,
// Debian trixie's docker-compose) into the per-user cache; EDGEKIT_COMPOSE_V2 names another binary.
// Locally a missing v2 skips its tests; CI readies Docker and v2 before the tests, so there it is an error.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";

export const COMPOSE_V2_PATH = process.env.EDGEKIT_COMPOSE_V2 ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "edgekit", "compose-v2", "docker-compose");

/** The Compose v2 binary and its version, or null (throws in CI, where scripts/docker-ready.sh installs it). */
export async function findComposeV2(): Promise<{ bin: string; version: string } | null> {
  const r = existsSync(COMPOSE_V2_PATH) ? await execa(COMPOSE_V2_PATH, ["version", "--short"], { reject: false }) : null;
  const version = r?.exitCode === 0 ? r.stdout.trim() : "";
  if (/^v?2\./.test(version)) return { bin: COMPOSE_V2_PATH, version };
  const why = r ? `${COMPOSE_V2_PATH} is not Compose v2 (${r.stdout}${r.stderr})` : `no Compose v2 at ${COMPOSE_V2_PATH}`;
  if (process.env.CI === "true") throw new Error(`${why}: scripts/docker-ready.sh installs it, and CI runs it before the tests`);
  console.warn(`${why}: the Compose v2 tests are skipped (./scripts/docker-ready.sh installs it)`);
  return null;
}
