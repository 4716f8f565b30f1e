import { finding, type LintCheck } from "../check.js";
import type { Directive } from "../../nginx-syntax/parse.js";
import { httpDirectives } from "../../nginx-syntax/tree.js";
import { decodedUriVariables } from "../variables.js";

const REDIRECT_CODES = new Set(["301", "302", "303", "307", "308"]);

/** The argument of `d` that ends up in a response or upstream header line, if any. */
function headerValue(d: Directive): string | undefined {
  switch (d.name) {
    case "add_header":
    case "add_trailer":
    case "proxy_set_header":
    case "grpc_set_header":
      return d.args[1];
    case "return":
      if (d.args.length === 1) return /^(https?:\/\/|\$scheme)/.test(d.args[0]!) ? d.args[0] : undefined;
      return REDIRECT_CODES.has(d.args[0]!) ? d.args[1] : undefined;
    case "rewrite": {
      const [, replacement, flag] = d.args;
      return flag === "redirect" || flag === "permanent" || /^(https?:\/\/|\$scheme)/.test(replacement ?? "") ? replacement : undefined;
    }
    case "error_page": {
      // error_page 404 [=301] URL: a redirect when the code says so or the target is absolute.
      const target = d.args.at(-1) ?? "";
      const answer = d.args.find((a) => a.startsWith("="));
      return REDIRECT_CODES.has(answer?.slice(1) ?? "") || /^(https?:\/\/|\$scheme)/.test(target) ? target : undefined;
    }
    default:
      return undefined;
  }
}

export const decodedUriHeaderInjection: LintCheck = {
  id: "decoded-uri-header-injection",
  severity: "error",
  summary: "$uri, $document_uri and regex captures of the URI are decoded: in a header or redirect, %0D%0A in the path injects headers (CRLF injection).",
  check(tree) {
    return httpDirectives(tree, "add_header", "add_trailer", "proxy_set_header", "grpc_set_header", "return", "rewrite", "error_page").flatMap((l) => {
      const value = headerValue(l.directive);
      const decoded = value === undefined ? [] : decodedUriVariables(value, l);
      if (decoded.length === 0) return [];
      const what = ["return", "rewrite", "error_page"].includes(l.directive.name) ? "the redirect's Location header" : `the ${l.directive.args[0]} header`;
      return [
        finding(
          l,
          `${l.directive.name} puts the decoded URI (${decoded.map((v) => `$${v}`).join(", ")}) into ${what}: a request for /%0D%0ASet-Cookie:... injects its own header lines`,
          "use $request_uri, which keeps the client's percent-encoding; for a piece of the path, capture it from $request_uri (map $request_uri $slug { ~^/r/(?<s>[^/?]+) $s; })",
        ),
      ];
    });
  },
};
