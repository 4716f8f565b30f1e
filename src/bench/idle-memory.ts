// Memory per idle keep-alive connection: opens N TLS connections to a server, makes one request on
// each (so every connection has been through a full request, as a browser's idle connection has),
// leaves them open, and reads the server's resident memory from /proc before and after. Runs before
// the load rounds, so memory freed after a 1,000-connection load run can't hide what idle
// connections take.
import { readFileSync } from "node:fs";
import { connect as h2connect, type ClientHttp2Session } from "node:http2";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import { processTree } from "./host-stack.js";

export interface IdleMemoryRun {
  /** https://127.0.0.1:<port> */
  origin: string;
  path: string;
  protocol: "h1" | "h2";
  connections: number;
  /** Host pid of the server (its process tree is measured). */
  pid: number;
  /** Connections opened at once while building up. */
  parallel?: number;
  /** Wait after the last connection before reading memory (lets the server settle). */
  settleMs?: number;
  signal?: AbortSignal;
}

export interface IdleMemoryFigures {
  opened: number;
  stillOpen: number;
  rssBeforeKiB: number;
  rssAfterKiB: number;
}

/** Resident memory (VmRSS, KiB) summed over `root` and its descendants; null without /proc. */
export function treeRssKiB(root: number): number | null {
  let total = 0;
  let seen = 0;
  for (const pid of processTree(root)) {
    try {
      const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (match?.[1]) {
        total += Number(match[1]);
        seen++;
      }
    } catch {
      // exited meanwhile
    }
  }
  return seen > 0 ? total : null;
}

interface IdleConnection {
  open(): boolean;
  close(): void;
}

/** One TLS connection, one HTTP/1.1 keep-alive GET read to its end, then left open. */
function h1Connection(origin: URL, path: string): Promise<IdleConnection> {
  return new Promise((resolve, reject) => {
    const socket: TLSSocket = tlsConnect({ host: origin.hostname, port: Number(origin.port), servername: "localhost", rejectUnauthorized: false, ALPNProtocols: ["http/1.1"] });
    let buffer = Buffer.alloc(0);
    let closed = false;
    const timer = setTimeout(() => socket.destroy(new Error("no response within 10 s")), 10_000);
    socket.once("close", () => (closed = true));
    socket.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.once("secureConnect", () => socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n`));
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = buffer.subarray(0, end).toString("latin1");
      const length = /^content-length:\s*(\d+)/im.exec(head);
      const body = buffer.subarray(end + 4);
      const complete = length ? body.length >= Number(length[1]) : /^transfer-encoding:\s*chunked/im.test(head) && body.includes("0\r\n\r\n");
      if (!complete) return;
      clearTimeout(timer);
      socket.removeListener("data", onData);
      socket.on("data", () => undefined);
      if (!/^HTTP\/1\.1 2\d\d/.test(head)) {
        socket.destroy();
        reject(new Error(`GET ${path} answered ${head.split("\r\n")[0]}`));
        return;
      }
      resolve({ open: () => !closed && !socket.destroyed, close: () => socket.destroy() });
    };
    socket.on("data", onData);
  });
}

/** One HTTP/2 session, one GET read to its end, then left open. */
function h2Connection(origin: URL, path: string): Promise<IdleConnection> {
  return new Promise((resolve, reject) => {
    const session: ClientHttp2Session = h2connect(origin.origin, { rejectUnauthorized: false, servername: "localhost" });
    let closed = false;
    session.once("close", () => (closed = true));
    session.once("error", reject);
    const req = session.request({ ":path": path, ":authority": "localhost" });
    const timer = setTimeout(() => session.destroy(new Error("no response within 10 s")), 10_000);
    let status = 0;
    req.once("response", (h) => (status = Number(h[":status"])));
    req.on("data", () => undefined);
    req.once("end", () => {
      clearTimeout(timer);
      if (status < 200 || status >= 300) {
        session.destroy();
        reject(new Error(`GET ${path} answered ${status}`));
        return;
      }
      resolve({ open: () => !closed && !session.destroyed && !session.closed, close: () => session.destroy() });
    });
    req.once("error", reject);
    req.end();
  });
}

/**
 * Opens the connections, reads memory, closes them all (also on failure). A warm-up batch is opened
 * and closed first, so the figure is what idle connections cost a server that has served, not the
 * one-off growth of a worker's first TLS connection (which would dominate a small count).
 */
export async function measureIdleMemory(run: IdleMemoryRun): Promise<IdleMemoryFigures> {
  const origin = new URL(run.origin);
  const connect = run.protocol === "h1" ? h1Connection : h2Connection;
  const warm = await Promise.all(Array.from({ length: run.parallel ?? 50 }, () => connect(origin, run.path)));
  for (const c of warm) c.close();
  await new Promise((r) => setTimeout(r, 500));
  const before = treeRssKiB(run.pid);
  if (before === null) throw new Error(`cannot read the memory of process ${run.pid} from /proc`);
  const open: IdleConnection[] = [];
  try {
    const parallel = run.parallel ?? 50;
    for (let i = 0; i < run.connections; i += parallel) {
      if (run.signal?.aborted) throw new Error("interrupted");
      const batch = await Promise.all(Array.from({ length: Math.min(parallel, run.connections - i) }, () => connect(origin, run.path)));
      open.push(...batch);
    }
    await new Promise((r) => setTimeout(r, run.settleMs ?? 1000));
    const after = treeRssKiB(run.pid);
    if (after === null) throw new Error(`process ${run.pid} is gone`);
    return { opened: open.length, stillOpen: open.filter((c) => c.open()).length, rssBeforeKiB: before, rssAfterKiB: after };
  } finally {
    for (const c of open) c.close();
  }
}

/** (after - before) per 1,000 connections, in MB (10^6 bytes). */
export function mbPerThousand(f: IdleMemoryFigures): number | null {
  return f.opened > 0 ? ((f.rssAfterKiB - f.rssBeforeKiB) * 1024 * (1000 / f.opened)) / 1e6 : null;
}
