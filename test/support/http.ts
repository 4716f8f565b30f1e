// One HTTP/1.1 request helper for every test: edgekit verify's own (src/verify/http1.ts), with
// `ca` as a shorthand for trusting a dev CA.
import { request as verifyRequest, type Reply, type RequestOptions as VerifyRequestOptions } from "../../src/verify/http1.js";

export type { Reply };

export interface RequestOptions extends Omit<VerifyRequestOptions, "tls"> {
  ca?: string;
}

export function request(url: string, options: RequestOptions = {}): Promise<Reply> {
  const { ca, ...rest } = options;
  return verifyRequest(url, { ...rest, ...(ca ? { tls: { ca } } : {}) });
}
