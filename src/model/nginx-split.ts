// Traffic split: a proxied route's `split` becomes nginx's split_clients over a stable key, and the
// route proxies to the pool the key falls in (`proxy_pass http://$var`: the value names an upstream
// block, so nginx needs no resolver). With `by: cookie` a client without edgekit's cookie is drawn
// on its request id, and the answer sets the cookie to that id, so its next requests hash the same.
import { formatPath, type SpecPath } from "../diagnostics.js";
import type { Spec } from "../spec/schema.js";
import { allRoutes } from "../spec/sites.js";
import type { ProxiedRoute } from "../spec/route-kinds.js";
import { durationMs } from "../spec/values.js";
import { token } from "../nginx-syntax/quote.js";
import type { HeaderLine } from "./security-headers.js";

export interface SplitModel {
  /** The route's spec path (formatPath): routes[2] or sites.api.routes[2]. */
  route: string;
  comment: string;
  /** A map that picks the key: the cookie or header when present, else the request id; null keys on the client address. */
  keyMap: { source: string; variable: string } | null;
  key: string;
  variable: string;
  /** split_clients lines: `10%  v2;` ... `*  v1;` */
  shares: { percent: string; upstream: string }[];
  /** The map that yields the Set-Cookie value when the client has no cookie yet (by: cookie), else null. */
  cookieMap: { source: string; variable: string; value: string } | null;
}

/**
 * The suffix of a split route's variables, from its spec path: `2` for routes[2] (the one-site
 * form), `api_2` for sites.api.routes[2], so every site's splits have variables of their own.
 */
export function splitSuffix(path: SpecPath): string {
  const index = path[path.length - 1];
  return path[0] === "sites" ? `${String(path[1])}_${String(index)}` : String(index);
}

/** The http-level split_clients (and maps) of every split route of every site, in spec order. */
export function splitModels(spec: Spec): SplitModel[] {
  return allRoutes(spec).flatMap(({ route, path }) => ("split" in route && route.split ? [splitModel(spec, route as ProxiedRoute & { split: NonNullable<typeof route.split> }, path)] : []));
}

function splitModel(spec: Spec, route: { path: string; split: NonNullable<Extract<ProxiedRoute, { split: unknown }>["split"]> }, path: SpecPath): SplitModel {
  const split = route.split;
  const i = splitSuffix(path);
  const keyVariable = `$edgekit_split_key_${i}`;
  const source = split.by === "cookie" ? `$cookie_${token(split.cookie.name).replace(/[-.]/g, "_")}` : split.by === "header" ? `$http_${token(split.header!).toLowerCase().replace(/-/g, "_")}` : null;
  // Shares from the smallest up, the largest as '*', so rounding never leaves a gap.
  const ordered = [...split.to].sort((a, b) => a.percent - b.percent || a.upstream.localeCompare(b.upstream));
  const shares = ordered.map((s, n) => ({ percent: n === ordered.length - 1 ? "*" : `${Number(s.percent.toFixed(2))}%`, upstream: token(s.upstream) }));
  const attributes = ["Path=/", `Max-Age=${Math.floor(durationMs(split.cookie.maxAge) / 1000)}`, "HttpOnly", "SameSite=Lax", ...(spec.tls.enabled ? ["Secure"] : [])];
  return {
    route: formatPath(path),
    comment: `${path[0] === "sites" ? `site ${String(path[1])}, ` : ""}route ${route.path}: ${split.to.map((s) => `${s.percent}% to ${s.upstream}`).join(", ")}, keyed on ${split.by === "cookie" ? `cookie ${split.cookie.name}` : split.by === "header" ? `header ${split.header}` : "the client address"}`,
    keyMap: source === null ? null : { source, variable: keyVariable },
    key: source === null ? "$remote_addr" : keyVariable,
    variable: `$edgekit_split_${i}`,
    shares,
    cookieMap: split.by === "cookie" ? { source: source!, variable: `$edgekit_split_cookie_${i}`, value: `"${token(split.cookie.name)}=$request_id; ${attributes.join("; ")}"` } : null,
  };
}

/** What a split route's location changes: the pool variable to proxy to, and the Set-Cookie line. */
export function splitLocation(model: SplitModel): { pass: string; headers: HeaderLine[] } {
  return { pass: `http://${model.variable}`, headers: model.cookieMap ? [{ name: "Set-Cookie", value: model.cookieMap.variable }] : [] };
}
