import { finding, type LintCheck } from "../check.js";
import type { Directive } from "../../nginx-syntax/parse.js";
import { httpDirectives, variablesIn } from "../../nginx-syntax/tree.js";
import { isDecodedUri } from "../variables.js";

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
    default:
      return undefined;
  }
}

export const decodedUriHeaderInjection: LintCheck = {
  id: "decoded-uri-header-injection",
  severity: "error",
  summary: "$uri and $document_uri are decoded: in a header or redirect, %0D%0A in the path injects headers (CRLF injection).",
  check(tree) {
    return httpDirectives(tree, "add_header", "add_trailer", "proxy_set_header", "grpc_set_header", "return", "rewrite").flatMap((l) => {
      const value = headerValue(l.directive);
      const decoded = [...new Set(variablesIn(value ?? "").filter(isDecodedUri))];
      if (decoded.length === 0) return [];
      const what = l.directive.name === "return" || l.directive.name === "rewrite" ? "the redirect's Location header" : `the ${l.directive.args[0]} header`;
      return [
        finding(
          l,
          `${l.directive.name} puts the decoded URI (${decoded.map((v) => `$${v}`).join(", ")}) into ${what}: a request for /%0D%0ASet-Cookie:... injects its own header lines`,
          "use $request_uri, which keeps the client's percent-encoding",
        ),
      ];
    });
  },
};
