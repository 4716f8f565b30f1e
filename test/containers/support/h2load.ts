import { execa } from "execa";

export interface H2loadResult {
  total: number;
  succeeded: number;
  failed: number;
  errored: number;
  timeout: number;
  status2xx: number;
  headerSpaceSavings: number;
  requestsPerSecond: number;
  output: string;
}

/** Runs h2load (nghttp2-client) and parses its summary. `args` are h2load's own options. */
export async function h2load(url: string, args: string[]): Promise<H2loadResult> {
  const result = await execa("h2load", [...args, url], { reject: false, all: true, timeout: 120_000 });
  const out = String(result.all ?? "");
  const requests = /requests: (\d+) total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(out);
  if (!requests) throw new Error(`h2load gave no summary (exit ${result.exitCode}):\n${out}`);
  return {
    total: Number(requests[1]),
    succeeded: Number(requests[2]),
    failed: Number(requests[3]),
    errored: Number(requests[4]),
    timeout: Number(requests[5]),
    status2xx: Number(/status codes: (\d+) 2xx/.exec(out)?.[1] ?? 0),
    headerSpaceSavings: Number(/space savings ([0-9.]+)%/.exec(out)?.[1] ?? 0),
    requestsPerSecond: Number(/finished in [0-9.]+m?s, ([0-9.]+) req\/s/.exec(out)?.[1] ?? 0),
    output: out,
  };
}
