// A simulated cloud load balancer for the scenario stacks, run with the backend image's Node: it
// terminates TLS and forwards each request over plain HTTP to the edge, as an ALB or a GCP HTTPS
// load balancer does, setting X-Forwarded-For to the address it saw the client connect from (a
// client's own X-Forwarded-* are dropped, never passed on) and X-Forwarded-Proto: https. The
// edge's response goes back header line by header line (rawHeaders), so a header nginx sent twice
// reaches the client twice. One JSON line per request on stdout: { lb, client, method, url }.
//   LISTEN_PORT  TLS port (default 8443)       TARGET_HOST, TARGET_PORT  the edge (nginx:8080)
//   TLS_CERT, TLS_KEY  certificate and key files (PEM)
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";

const listenPort = Number(process.env.LISTEN_PORT || 8443);
const target = { host: process.env.TARGET_HOST || "nginx", port: Number(process.env.TARGET_PORT || 8080) };
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]);

const agent = new http.Agent({ keepAlive: true });
const server = https.createServer({ cert: readFileSync(process.env.TLS_CERT), key: readFileSync(process.env.TLS_KEY) }, (req, res) => {
  const client = String(req.socket.remoteAddress).replace(/^::ffff:/, "");
  console.log(JSON.stringify({ lb: "tls", client, method: req.method, url: req.url }));
  const headers = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    if (HOP_BY_HOP.has(name) || name.startsWith("x-forwarded-")) continue;
    headers[name] = headers[name] === undefined ? req.rawHeaders[i + 1] : `${headers[name]}, ${req.rawHeaders[i + 1]}`;
  }
  headers["x-forwarded-for"] = client;
  headers["x-forwarded-proto"] = "https";
  const upstream = http.request({ ...target, agent, method: req.method, path: req.url, headers }, (answer) => {
    const raw = [];
    for (let i = 0; i < answer.rawHeaders.length; i += 2) {
      if (!HOP_BY_HOP.has(answer.rawHeaders[i].toLowerCase())) raw.push(answer.rawHeaders[i], answer.rawHeaders[i + 1]);
    }
    res.writeHead(answer.statusCode, raw);
    answer.pipe(res);
  });
  upstream.on("error", (e) => {
    const text = `load balancer: ${e.message}\n`;
    res.writeHead(502, { "Content-Type": "text/plain", "Content-Length": Buffer.byteLength(text) });
    res.end(text);
  });
  req.pipe(upstream);
});
server.listen(listenPort, "0.0.0.0", () => console.log(JSON.stringify({ lb: "tls", listening: listenPort, target })));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
