// A test upstream for the scenario stacks, run with the backend image's Node (no npm inside
// containers): answers every request with what it received, as JSON, and logs one line per request
// to stdout, so a test reads from `docker logs` which server saw what.
//   ECHO_NAME  the name it reports (default: the host name)
//   PORT       the port it listens on (default 8080)
// The answer's `raw` lists the request's header lines as they arrived ([name, value, name, value, …]):
// `headers` is Node's view, which joins a header sent twice (X-Forwarded-For: a, b) into one.
// Paths with a meaning: /status/<code> answers that status (e.g. /status/502), /slow/<ms> answers
// after <ms> milliseconds; anything else answers 200.
// SIGUSR2 closes the port and every open connection while the process (and the container's address)
// stays: a server whose process died on a host that is still up, so connections are refused at once
// (a stopped container's address answers nothing instead, and connects time out).
import http from "node:http";
import os from "node:os";

const name = process.env.ECHO_NAME || os.hostname();
const port = Number(process.env.PORT || 8080);

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const url = req.url || "/";
    console.log(JSON.stringify({ echo: name, method: req.method, url }));
    const status = /\/status\/(\d{3})$/.exec(url.split("?")[0]);
    const slow = /\/slow\/(\d+)$/.exec(url.split("?")[0]);
    const answer = () => {
      const body = JSON.stringify({ server: name, method: req.method, url, headers: req.headers, raw: req.rawHeaders, remote: req.socket.remoteAddress, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(status ? Number(status[1]) : 200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
      res.end(body);
    };
    if (slow) setTimeout(answer, Number(slow[1]));
    else answer();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, "0.0.0.0", () => console.log(JSON.stringify({ echo: name, listening: port })));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
process.on("SIGUSR2", () => {
  setInterval(() => undefined, 60_000); // with the port closed, this keeps the process alive
  server.close();
  server.closeAllConnections();
  console.log(JSON.stringify({ echo: name, listening: 0 }));
});
