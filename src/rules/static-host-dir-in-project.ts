import { isFileRoute } from "../spec/route-kinds.js";
import { inProject, normalizeDir, outsideProject, relation } from "../spec/paths.js";
import type { Rule } from "./rule.js";
import { allRoutes } from "../spec/sites.js";

export const staticHostDirInProject: Rule = {
  id: "static-host-dir-in-project",
  severity: "error",
  waivable: false,
  summary:
    "A static route's hostDir lies inside the spec's directory (unless the route sets allowOutsideProject), is not that directory itself and does not hold container.certsDir: compose would mount, and nginx serve, the spec, the TLS key or the host's files.",
  check(spec) {
    const certs = inProject(spec.container.certsDir);
    const sharedCertsDir = /^(\.|\.\.(\/\.\.)*)$/.test(normalizeDir(spec.container.certsDir));
    return allRoutes(spec).flatMap(({ route, path }) => {
      if (!isFileRoute(route) || route.hostDir === null) return [];
      const at = [...path, "hostDir"];
      const normal = normalizeDir(route.hostDir);
      if (normal === ".") {
        return [{ path: at, message: `hostDir ${route.hostDir} is the spec's directory itself: nginx would serve the spec, the generated config and the TLS files`, fix: "put the public files in a directory of their own, such as public/, and mount that" }];
      }
      if (outsideProject(route.hostDir) && !route.allowOutsideProject) {
        return [{ path: at, message: `hostDir ${route.hostDir} resolves to ${normal}, outside the spec's directory: compose would mount, and nginx serve, whatever lies there`, fix: "move the files under the spec's directory, or set allowOutsideProject: true on this route if that directory holds public files alone" }];
      }
      const how = relation(inProject(route.hostDir), certs);
      // Inside a certsDir that is the spec's directory or one above it is no conflict: only being
      // it or containing it mounts the key.
      if (how && !(how === "is inside" && sharedCertsDir)) {
        return [{ path: at, message: `hostDir ${route.hostDir} ${how} container.certsDir (${spec.container.certsDir}), which holds the TLS private key: nginx would serve it`, fix: "mount a directory that holds only the public files, away from container.certsDir" }];
      }
      return [];
    });
  },
};
