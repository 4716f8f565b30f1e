// Preload for running the TypeScript sources directly with Node's type stripping:
//   node --import ./test/support/ts-js-resolve.mjs src/backend/main.ts
// Node strips types but does not map the `.js` suffixes of NodeNext-style relative
// imports to the `.ts` files on disk; this synchronous resolve hook does only that.
import { registerHooks } from "node:module";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (
      (specifier.startsWith("./") || specifier.startsWith("../")) &&
      specifier.endsWith(".js") &&
      context.parentURL?.startsWith("file:") &&
      context.parentURL.endsWith(".ts")
    ) {
      const candidate = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
      if (existsSync(fileURLToPath(candidate))) return nextResolve(candidate.href, context);
    }
    return nextResolve(specifier, context);
  },
});
