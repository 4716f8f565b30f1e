import { describe, expect, it } from "vitest";
import { parseNginxConfig } from "../../../src/nginx-syntax/parse.js";
import { walk } from "../../../src/nginx-syntax/tree.js";
import { expandSets, isUserInput, setValues, splitProxyUrl } from "../../../src/lint/variables.js";

describe("variables", () => {
  it("isUserInput: headers, arguments, cookies, the URI, the Host and regex captures", () => {
    for (const v of ["http_x_target", "arg_url", "cookie_id", "request_uri", "uri", "args", "host", "1"]) expect(isUserInput(v), v).toBe(true);
    for (const v of ["scheme", "server_name", "proxy_host", "upstream_addr", "binary_remote_addr"]) expect(isUserInput(v), v).toBe(false);
  });

  it("splitProxyUrl: host part up to the first / or a URI variable after the host", () => {
    expect(splitProxyUrl("http://app/v1/")).toEqual({ scheme: "http://", host: "app", uri: "/v1/" });
    expect(splitProxyUrl("http://app$request_uri")).toEqual({ scheme: "http://", host: "app", uri: "$request_uri" });
    expect(splitProxyUrl("http://$request_uri")).toEqual({ scheme: "http://", host: "$request_uri", uri: "" });
    expect(splitProxyUrl("$scheme://$host:8080")).toEqual({ scheme: "$scheme://", host: "$host:8080", uri: "" });
    expect(splitProxyUrl("$http_x_scheme://app/")).toEqual({ scheme: "$http_x_scheme://", host: "app", uri: "/" });
    expect(splitProxyUrl("$backend")).toEqual({ scheme: "", host: "$backend", uri: "" });
  });

  it("setValues and expandSets: the innermost set wins, including set inside if; expansion recurses", () => {
    const { tree } = parseNginxConfig("server { set $a outer; set $t http://$a; location / { set $a inner; if ($x) { set $b $arg_b; } proxy_pass $t/$b; } }");
    const pass = walk(tree).find((l) => l.directive.name === "proxy_pass")!;
    const sets = setValues(pass);
    expect(Object.fromEntries(sets)).toEqual({ a: "inner", b: "$arg_b", t: "http://$a" });
    expect(expandSets(pass.directive.args[0]!, sets)).toBe("http://inner/$arg_b");
  });
});
