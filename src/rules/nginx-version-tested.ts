import { compareVersions, OLDEST_SUPPORTED_NGINX, releaseFor, TESTED_RELEASES } from "../nginx-features/index.js";
import type { Rule } from "./rule.js";

export const nginxVersionTested: Rule = {
  id: "nginx-version-tested",
  severity: "warning",
  summary: "edgekit runs its tests on, and builds images of, a few nginx releases; another version renders from the feature table but nothing here has run it.",
  check(spec) {
    // Below the supported floor, nginx-version-supported says what matters.
    if (releaseFor(spec.nginx.version) || compareVersions(spec.nginx.version, OLDEST_SUPPORTED_NGINX) < 0) return [];
    const releases = TESTED_RELEASES.map((r) => r.version).join(", ");
    const image = spec.container.image === null && spec.container.build !== null ? "; edgekit's nginx image (deploy/nginx) can't be built for it" : "";
    return [
      {
        path: ["nginx", "version"],
        message: `nginx ${spec.nginx.version} is not a release edgekit tests (${releases})${image}`,
        fix: `set nginx.version to one of ${releases}, or keep it and run your own image with nginx ${spec.nginx.version} (container.image, container.build: null), checked by \`edgekit validate --nginx --nginx-runner host\` on that nginx`,
      },
    ];
  },
};
