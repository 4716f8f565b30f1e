import fc from "fast-check";
import { it } from "vitest";
import { checkAccepted, sharedCertNginxChecker, validSpecInput } from "../support/spec-arbitrary.js";
it("prop", async () => {
  const nginx = await sharedCertNginxChecker();
  const counts: Record<string, number> = {};
  let withAuth = 0;
  let withCors = 0;
  try {
    await fc.assert(
      fc.asyncProperty(validSpecInput(), async (doc) => {
        const routes = (doc.routes as Record<string, unknown>[] | undefined) ?? [];
        if (routes.some((r) => r.auth)) withAuth++;
        if (routes.some((r) => r.cors)) withCors++;
        const o = await checkAccepted(doc, { nginx, dockerCompose: withAuth % 20 === 1 });
        counts[o] = (counts[o] ?? 0) + 1;
      }),
      { numRuns: 150, seed: 20_251_123 },
    );
  } finally {
    console.log(JSON.stringify({ counts, withAuth, withCors }));
    await nginx.close();
  }
}, 1_200_000);
