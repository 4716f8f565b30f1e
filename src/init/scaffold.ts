// What `edgekit init` writes: a project that runs as it is. A commented spec with a `/` route, the
// JSON Schema its first line names (or the installed package's), the build contexts the generated
// compose file builds (edgekit's nginx image and the reference backend, until the operator points
// `backend.build` at their own app), certs/ with a README, a .gitignore and a CI workflow. Pure:
// the plan is a list of files with their bytes; the CLI checks for conflicts and writes them.
import { existsSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { templates } from "../render/templates.js";

/** The installed package's root (dist/init/ is two levels down), where its build contexts and schema live. */
export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** One file the scaffold writes: a path relative to the project directory and its bytes. */
export interface ScaffoldFile {
  path: string;
  content: Buffer;
  /** Executable (the nginx image's version check runs as the container's entrypoint). */
  mode: number;
  /** One line for the listing: what this file is for. */
  purpose: string;
}

export interface ScaffoldOptions {
  /** The project directory (absolute). */
  dir: string;
  /** Where the spec goes, relative to dir. */
  specPath: string;
  domain: string;
  /** How the operator runs edgekit there: `npx edgekit` (installed) or a path to the launcher. */
  command: string;
  packageRoot?: string;
}

/** The package files init copies, by where they land in the project. */
const COPIED: Array<{ from: string; to: string; mode: number; purpose: string }> = [
  { from: "deploy/nginx/Dockerfile", to: "deploy/nginx/Dockerfile", mode: 0o644, purpose: "edgekit's nginx image (the spec's release, from Debian)" },
  { from: "deploy/nginx/nginx-version-check.sh", to: "deploy/nginx/nginx-version-check.sh", mode: 0o755, purpose: "refuses an image whose nginx is not the spec's release" },
  { from: "deploy/backend/Dockerfile", to: "deploy/backend/Dockerfile", mode: 0o644, purpose: "the reference backend's image (replace with your app: backend.build)" },
  { from: "deploy/backend/dist/server.mjs", to: "deploy/backend/dist/server.mjs", mode: 0o644, purpose: "the reference backend, one bundled file" },
];

const SCHEMA_FILE = "schema/spec.schema.json";

/**
 * Where the spec's `$schema` points: the installed package's schema when it sits in the project's
 * node_modules (it follows upgrades), else a copy written next to the spec.
 */
function schemaReference(options: ScaffoldOptions, root: string): { reference: string; copy: boolean } {
  const installed = join(root, SCHEMA_FILE);
  const fromSpecDir = relative(join(options.dir, options.specPath, ".."), installed).split(sep).join("/");
  if (fromSpecDir.startsWith("node_modules/") || fromSpecDir.includes("/node_modules/")) {
    return { reference: fromSpecDir.startsWith(".") ? fromSpecDir : `./${fromSpecDir}`, copy: false };
  }
  const local = relative(join(options.dir, options.specPath, ".."), join(options.dir, SCHEMA_FILE)).split(sep).join("/");
  return { reference: local.startsWith(".") ? local : `./${local}`, copy: true };
}

export function scaffold(options: ScaffoldOptions): ScaffoldFile[] {
  const root = options.packageRoot ?? PACKAGE_ROOT;
  const render = (name: string, data: Record<string, unknown>) => {
    const template = templates().get(name);
    if (!template) throw new Error(`template ${name} is missing from the package`);
    return Buffer.from(template(data));
  };
  const schema = schemaReference(options, root);
  const files: ScaffoldFile[] = [
    { path: options.specPath, content: render("init/spec.yaml", { domain: options.domain, schema: schema.reference }), mode: 0o644, purpose: "the spec: edit this, then generate" },
  ];
  if (schema.copy) files.push({ path: SCHEMA_FILE, content: readFileSync(join(root, SCHEMA_FILE)), mode: 0o644, purpose: "the JSON Schema the spec's first line names (editor completion)" });
  for (const file of COPIED) {
    const source = join(root, file.from);
    if (!existsSync(source)) throw new Error(`the edgekit package lacks ${file.from} (installed: reinstall edgekit; in a clone of edgekit: npm run build:backend)`);
    files.push({ path: file.to, content: readFileSync(source), mode: file.mode, purpose: file.purpose });
  }
  files.push(
    { path: "certs/README.md", content: render("init/certs-readme.md", { command: options.command }), mode: 0o644, purpose: "what goes in certs/ (keys never committed)" },
    { path: ".gitignore", content: render("init/gitignore", {}), mode: 0o644, purpose: "keeps keys and build output out of git" },
    { path: ".github/workflows/edgekit.yml", content: render("init/ci-workflow.yml", { spec: options.specPath }), mode: 0o644, purpose: "CI: generated files in sync, real nginx -t" },
  );
  return files;
}

/** The commands that work in the scaffolded project, in order. */
export function nextSteps(options: Pick<ScaffoldOptions, "specPath" | "command">): string[] {
  const spec = options.specPath === "spec.yaml" ? "" : ` -s ${options.specPath}`;
  const edgekit = options.command;
  return [
    `${edgekit} validate${spec} --nginx          # the spec, then the real nginx -t (in Docker)`,
    `${edgekit} certs${spec}                     # development certificates in certs/`,
    `${edgekit} generate${spec}                  # nginx/nginx.conf, docker-compose.prod.yml, prometheus.yml`,
    "docker compose -f docker-compose.prod.yml up -d --build",
    `${edgekit} verify https://localhost/ --spec ${options.specPath} --ca certs/ca.pem`,
  ];
}
