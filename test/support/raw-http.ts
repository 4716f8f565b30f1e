// One HTTP/1.1 exchange on a raw socket: request header lines go out exactly as written, and the
// reply's header lines come back one by one, so a header sent twice is seen twice (Node's parser
// would join or drop the second copy).
import { connect } from "node:net";
import { connect as tlsConnect } from "node:tls";

export interface RawReply {
  status: number;
  /** Every header line, in order, name lower-cased. */
  lines: { name: string; value: string }[];
  body: string;
}

/** The values of every line of header `name` (lower case). */
export function values(reply: RawReply, name: string): string[] {
  return reply.lines.filter((l) => l.name === name).map((l) => l.value);
}

/** Names of headers the reply carries more than once. */
export function repeated(reply: RawReply): string[] {
  const seen = new Map<string, number>();
  for (const { name } of reply.lines) seen.set(name, (seen.get(name) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([name]) => name);
}

/** Where a raw exchange goes: a loopback port, the Host header, and TLS (SNI name, trusted CA) if any. */
export interface RawTarget {
  port: number;
  /** Host header (default app.example.com). */
  host?: string;
  /** Speak TLS, sending `servername` as SNI and trusting `ca` (PEM). */
  tls?: { servername: string; ca: string };
}

/**
 * Sends `method path` with these header lines, exactly as written (Host: app.example.com unless one of
 * them is a Host line), on a fresh connection. `encoding` decodes the reply (latin1 keeps every header byte; utf8 reads bodies with non-ASCII text).
 */
export function rawRequest(port: number, method: string, path: string, headerLines: string[] = [], body = "", encoding: BufferEncoding = "latin1"): Promise<RawReply> {
  return rawExchange({ port }, method, path, headerLines, body, encoding);
}

/** rawRequest to any target: another Host, or over TLS with SNI. */
export function rawExchange(target: RawTarget, method: string, path: string, headerLines: string[] = [], body = "", encoding: BufferEncoding = "latin1"): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = target.tls
      ? tlsConnect({ port: target.port, host: "127.0.0.1", servername: target.tls.servername, ca: target.tls.ca, ALPNProtocols: ["http/1.1"] })
      : connect(target.port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (d) => chunks.push(d));
    socket.on("error", reject);
    socket.on("end", () => {
      const text = Buffer.concat(chunks).toString(encoding);
      const [head, ...rest] = text.split("\r\n\r\n");
      const [statusLine, ...lines] = head!.split("\r\n");
      resolve({
        status: Number(statusLine!.split(" ")[1]),
        lines: lines.map((l) => ({ name: l.slice(0, l.indexOf(":")).toLowerCase(), value: l.slice(l.indexOf(":") + 1).trim() })),
        body: rest.join("\r\n\r\n"),
      });
    });
    const length = body === "" ? [] : [`Content-Length: ${Buffer.byteLength(body)}`];
    // target.host (app.example.com by default) unless the caller sends its own Host line.
    const host = headerLines.some((l) => /^host:/i.test(l)) ? [] : [`Host: ${target.host ?? "app.example.com"}`];
    socket.write([`${method} ${path} HTTP/1.1`, ...host, "Connection: close", ...headerLines, ...length, "", body].join("\r\n"));
  });
}
