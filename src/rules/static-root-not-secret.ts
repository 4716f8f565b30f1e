import { posix } from "node:path";
import { NGINX_CACHE_VOLUME, NGINX_CONFIG_DIR } from "../plan/layout.js";
import { isFileRoute } from "../spec/route-kinds.js";
import { normalizeDir, relation, within } from "../spec/paths.js";
import type { Spec } from "../spec/schema.js";
import type { Rule } from "./rule.js";
import { allCertificates, allRoutes } from "../spec/sites.js";

/** System directories whose files are secret or private: a root must not be, contain or sit inside one. */
const SECRET_DIRS = [
  ["/etc", "system configuration, password hashes and keys"],
  ["/root", "root's home"],
  ["/home", "users' homes"],
  ["/proc", "process memory and environment"],
  ["/sys", "kernel state"],
  ["/dev", "devices"],
  ["/boot", "the kernel and boot loader"],
  ["/run", "runtime state and secrets"],
  ["/var/run", "runtime state and secrets"],
  ["/var/lib", "programs' state: databases, nginx's own temp files"],
  ["/var/log", "logs"],
  ["/var/spool", "queued mail and jobs"],
  ["/var/backups", "backups"],
  ["/bin", "system programs"],
  ["/sbin", "system programs"],
  ["/lib", "system libraries"],
  ["/lib64", "system libraries"],
  ["/usr/bin", "system programs"],
  ["/usr/sbin", "system programs"],
  ["/usr/lib", "system libraries"],
  ["/usr/local/etc", "local configuration"],
] as const;

/** Broad system directories: a root may sit inside one (/usr/share/nginx/html, /tmp/site) but not be it. */
const BROAD_DIRS = ["/", "/usr", "/usr/share", "/usr/local", "/var", "/var/cache", "/opt", "/tmp", "/mnt", "/media", "/srv", "/var/www"];

/** The directories of this spec that nginx reads secrets from or writes private data to, each with what it is. */
function specDirs(spec: Spec): [string, string][] {
  const certDir = posix.dirname(spec.tls.certificate);
  const keyDir = posix.dirname(spec.tls.certificateKey);
  const siteDirs = allCertificates(spec).flatMap((c): [string, string][] => [
    [posix.dirname(c.certificate), `the certificate directory ${posix.dirname(c.certificate)} (a site's certificates), which holds the private key`],
    [posix.dirname(c.key), `the private key's directory ${posix.dirname(c.key)} (a site's certificates)`],
  ]);
  return [
    [NGINX_CONFIG_DIR, `the generated config directory ${NGINX_CONFIG_DIR}`],
    [certDir, `the certificate directory ${certDir} (tls.certificate), which holds the private key`],
    [keyDir, `the private key's directory ${keyDir} (tls.certificateKey)`],
    ...siteDirs,
    [posix.dirname(spec.nginx.mimeTypes), `the nginx config directory ${posix.dirname(spec.nginx.mimeTypes)} (nginx.mimeTypes)`],
    [spec.cache.path, `the proxy cache ${spec.cache.path} (cache.path), which holds other users' responses`],
    [NGINX_CACHE_VOLUME.target, `the cache volume ${NGINX_CACHE_VOLUME.target} compose mounts`],
    [posix.dirname(spec.logging.access.path), `the access log directory ${posix.dirname(spec.logging.access.path)} (logging.access.path)`],
    [posix.dirname(spec.logging.error.path), `the error log directory ${posix.dirname(spec.logging.error.path)} (logging.error.path)`],
    [posix.dirname(spec.nginx.pidFile), `the pid file's directory ${posix.dirname(spec.nginx.pidFile)} (nginx.pidFile)`],
    ...(spec.nginx.tempDir !== null ? [[spec.nginx.tempDir, `the temp directory ${spec.nginx.tempDir} (nginx.tempDir), which holds request bodies`] as [string, string]] : []),
    ...SECRET_DIRS.map(([dir, what]) => [dir, `the system directory ${dir} (${what})`] as [string, string]),
  ];
}

/**
 * The clearest conflict of `root` with `dirs`: the one it is, else the deepest it is inside, else
 * the first it contains. Sitting inside a broad directory (a log file at /error.log, so its
 * directory is /) is no conflict: only being it or containing it serves the file.
 */
function conflict(root: string, dirs: [string, string][]): { how: "is" | "contains" | "is inside"; what: string } | null {
  const found = dirs.flatMap(([dir, what]) => {
    const how = relation(root, dir);
    if (how === "is inside" && BROAD_DIRS.includes(normalizeDir(dir))) return [];
    return how ? [{ how, what, depth: normalizeDir(dir).length }] : [];
  });
  return found.find((f) => f.how === "is") ?? found.filter((f) => f.how === "is inside").sort((a, b) => b.depth - a.depth)[0] ?? found[0] ?? null;
}

export const staticRootNotSecret: Rule = {
  id: "static-root-not-secret",
  severity: "error",
  waivable: false,
  summary:
    "A static root is not, does not contain and is not inside the config, certificate, cache, log, pid or temp directories or a system directory (/etc, /proc, /var/lib, …), and is not a broad one such as / or /usr: nginx would serve the TLS key, other users' cached responses or the host's files.",
  check(spec) {
    const dirs = specDirs(spec);
    const fix = "serve a directory of its own, such as /usr/share/nginx/html or /srv/<site>, and mount the files there with hostDir";
    return allRoutes(spec).flatMap(({ route, path }) => {
      if (!isFileRoute(route)) return [];
      const at = [...path, "root"];
      const exact = BROAD_DIRS.find((dir) => relation(route.root, dir) === "is");
      if (exact) return [{ path: at, message: `static route '${route.path}' root ${route.root} is the system directory ${exact}: nginx would serve everything under it`, fix }];
      const found = conflict(route.root, dirs);
      if (found) return [{ path: at, message: `static route '${route.path}' root ${route.root} ${found.how} ${found.what}: nginx would serve what is there`, fix }];
      const broad = BROAD_DIRS.find((dir) => within(dir, route.root));
      return broad ? [{ path: at, message: `static route '${route.path}' root ${route.root} ${relation(route.root, broad)} the system directory ${broad}: nginx would serve everything under it`, fix }] : [];
    });
  },
};
