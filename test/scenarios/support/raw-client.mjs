// One raw HTTP/1.1 exchange from inside a scenario's container (a client on a network of its own),
// run with the backend image's Node: header lines go out exactly as given and come back one by one
// (a header sent twice stays visible), printed as JSON { status, lines: [{ name, value }], body }
// (a chunked body decoded; sizes count UTF-16 units, so keep chunked bodies ASCII).
//   node raw-client.mjs <http|https> <host> <port> <METHOD> <path> [header line ...]
// For https, CA_FILE names the PEM to trust and SNI the name to send (default: <host>).
import { readFileSync } from "node:fs";
import net from "node:net";
import tls from "node:tls";

const [scheme, host, port, method, path, ...headerLines] = process.argv.slice(2);
const socket =
  scheme === "https"
    ? tls.connect({ host, port: Number(port), servername: process.env.SNI || host, ca: readFileSync(process.env.CA_FILE), ALPNProtocols: ["http/1.1"] })
    : net.connect(Number(port), host);
const chunks = [];
socket.on("data", (d) => chunks.push(d));
socket.on("error", (e) => {
  console.log(JSON.stringify({ error: e.message }));
  process.exit(0);
});
socket.on("end", () => {
  const text = Buffer.concat(chunks).toString("utf8");
  const [head, ...rest] = text.split("\r\n\r\n");
  const [statusLine, ...lines] = head.split("\r\n");
  const reply = {
    status: Number(statusLine.split(" ")[1]),
    lines: lines.map((l) => ({ name: l.slice(0, l.indexOf(":")).toLowerCase(), value: l.slice(l.indexOf(":") + 1).trim() })),
    body: rest.join("\r\n\r\n"),
  };
  if (reply.lines.some((l) => l.name === "transfer-encoding" && /chunked/i.test(l.value))) reply.body = dechunk(reply.body);
  console.log(JSON.stringify(reply));
});
/** A chunked body's data (the chunk sizes and trailers dropped). */
function dechunk(text) {
  let out = "";
  let rest = text;
  for (;;) {
    const eol = rest.indexOf("\r\n");
    const size = parseInt(rest.slice(0, eol), 16);
    if (!(size > 0)) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}

socket.write([`${method} ${path} HTTP/1.1`, `Host: ${process.env.HOST_HEADER || host}`, "Connection: close", ...headerLines, "", ""].join("\r\n"));
