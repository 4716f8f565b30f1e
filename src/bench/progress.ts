// Progress on stderr while the benchmark runs: one line rewritten in place on a terminal, plain
// lines otherwise (CI logs, pipes), so stdout stays the table or the JSON.

export interface ProgressSink {
  isTTY?: boolean;
  write(text: string): unknown;
}

export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

/** `[ 3/26] ████░░░░ edge h2 · round 1/3 · 00:42` (the bar only on a terminal). */
export function progressLine(step: number, total: number, text: string, elapsedMs: number, bar: boolean): string {
  const width = String(total).length;
  const counter = `[${String(step).padStart(width)}/${total}]`;
  const cells = 20;
  const filled = total > 0 ? Math.round((step / total) * cells) : 0;
  const meter = bar ? ` ${"█".repeat(filled)}${"░".repeat(cells - filled)}` : "";
  return `${counter}${meter} ${text} · ${formatElapsed(elapsedMs)}`;
}

export class Progress {
  private step = 0;
  private readonly started: number;
  private live = false;
  private text = "";
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: ProgressSink,
    private total: number,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
    // On a terminal the elapsed time ticks while a step runs.
    if (sink.isTTY) {
      this.timer = setInterval(() => this.live && this.show(this.text), 1000);
      this.timer.unref();
    }
  }

  setTotal(total: number): void {
    this.total = total;
  }

  /** Starts the next step. */
  next(text: string): void {
    this.step += 1;
    this.text = text;
    this.show(text);
  }

  /** A line that is not a step (a start-up message, a warning). */
  note(text: string): void {
    this.clear();
    this.sink.write(`${text}\n`);
  }

  done(): void {
    clearInterval(this.timer);
    this.clear();
  }

  private show(text: string): void {
    const line = progressLine(this.step, this.total, text, this.now() - this.started, Boolean(this.sink.isTTY));
    if (this.sink.isTTY) {
      this.sink.write(`\r\x1b[2K${line}`);
      this.live = true;
    } else {
      this.sink.write(`${line}\n`);
    }
  }

  private clear(): void {
    if (this.live) this.sink.write("\r\x1b[2K");
    this.live = false;
  }
}
