import http from "node:http";

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

export interface SseStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Parsed events (blocks with a data field), in arrival order. */
  events(): SseEvent[];
  /** performance.now() at which each event's block was complete. */
  eventTimes(): number[];
  /** Comment lines (`: text`), without the leading colon and space. */
  comments(): string[];
  raw(): string;
  /** Resolves when the server ends the response. */
  ended: Promise<void>;
  close(): void;
}

/** Minimal text/event-stream reader over a fresh connection. */
export function openSse(port: number, path: string, headers: http.OutgoingHttpHeaders = {}): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path, agent: false, headers: { Accept: "text/event-stream", Connection: "keep-alive", ...headers } }, (res) => {
      let raw = "";
      let pending = "";
      const events: SseEvent[] = [];
      const times: number[] = [];
      const comments: string[] = [];
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        raw += chunk;
        pending += chunk;
        let idx: number;
        while ((idx = pending.indexOf("\n\n")) !== -1) {
          const block = pending.slice(0, idx);
          pending = pending.slice(idx + 2);
          const ev: SseEvent = { data: "" };
          let hasData = false;
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) comments.push(line.slice(1).trim());
            else if (line.startsWith("id: ")) ev.id = line.slice(4);
            else if (line.startsWith("event: ")) ev.event = line.slice(7);
            else if (line.startsWith("data: ")) {
              ev.data += line.slice(6);
              hasData = true;
            }
          }
          if (hasData) {
            events.push(ev);
            times.push(performance.now());
          }
        }
      });
      const ended = new Promise<void>((done, fail) => {
        res.on("end", () => done());
        res.on("error", fail);
      });
      ended.catch(() => {});
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events: () => [...events],
        eventTimes: () => [...times],
        comments: () => [...comments],
        raw: () => raw,
        ended,
        close: () => req.destroy(),
      });
    });
    req.on("error", reject);
  });
}
