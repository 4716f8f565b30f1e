import { join } from "node:path";

export const REPO = join(import.meta.dirname, "..", "..", "..");
export const STACK_SPEC = "test/containers/stack.spec.yaml";
export const STACK_DIR = join(REPO, "test/containers/.stack");
export const COMPOSE_FILE = join(STACK_DIR, "docker-compose.prod.yml");
/** Fixed so Compose v1's container names (PROJECT_service_N) are known. */
export const PROJECT = "edgekitit";

export interface StackInfo {
  httpPort: number;
  httpsPort: number;
  prometheusPort: number;
  caCert: string;
}
