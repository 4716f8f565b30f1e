import { nginxMounts, type NginxMount } from "../plan/layout.js";
import type { Rule } from "./rule.js";

/** Whether `inner` is `outer` or a directory under it. */
const within = (inner: string, outer: string) => inner === outer || inner.startsWith(outer === "/" ? "/" : `${outer}/`);

const describe = (m: NginxMount) =>
  "generated" in m.from ? `the generated config's mount at ${m.target} (read-only)` : "volume" in m.from ? `the cache volume's mount at ${m.target}` : `the mount of ${m.from.specRelative} at ${m.target}`;

export const mountPointsDistinct: Rule = {
  id: "mount-points-distinct",
  severity: "error",
  waivable: false,
  summary:
    "Each directory compose mounts into the nginx container (the generated config, the TLS directory, static roots, the cache) has a mount point of its own, not '/', not another's and not inside another's: compose refuses duplicate mount points, and a mount point inside a read-only mount can't be created.",
  check(spec) {
    const mounts = nginxMounts(spec);
    return mounts.flatMap((mount, i) => {
      if (mount.field === null) return [];
      if (mount.target === "/") {
        return [{ path: mount.field, message: `${describe(mount)} would be mounted over the container's root directory`, fix: "put it in a directory of its own, such as /etc/nginx/certs or /srv/static" }];
      }
      // Against edgekit's own mounts and the ones before it (each clash is reported once); '/' is reported above.
      const clash = mounts.find((other, j) => j !== i && (j < i || other.field === null) && other.target !== "/" && (within(mount.target, other.target) || within(other.target, mount.target)));
      if (!clash) return [];
      // Static roots that share a root and a host directory are one mount; static-root-one-source reports other sources.
      if (clash.target === mount.target && "specRelative" in clash.from && clash.field?.at(-1) === "root" && mount.field.at(-1) === "root") return [];
      const how = clash.target === mount.target ? "the same mount point as" : within(mount.target, clash.target) ? "a mount point inside" : "a mount point that contains";
      return [{ path: mount.field, message: `${describe(mount)} has ${how} ${describe(clash)}`, fix: `choose a directory outside ${clash.target} that does not contain it` }];
    });
  },
};
