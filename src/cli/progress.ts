/**
 * The progress bar of long commands: items, items/s and ETA on stderr, redrawn at most ten
 * times a second, and only when stderr is a terminal (nothing at all otherwise).
 * @module
 */

/** What a long command reports. */
export interface Tick {
  readonly items: number;
  readonly itemsPerSecond?: number;
  readonly etaMs?: number;
  /** Done / total, when known (e.g. segments). */
  readonly done?: number;
  readonly total?: number;
}

/** A progress display: `update` as often as you like, `end` once. */
export interface ProgressBar {
  update(tick: Tick): void;
  end(): void;
}

const time = (ms: number): string => {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, "0");
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
};

/** A progress bar on `stream` (default stderr), or one that draws nothing when it is not a terminal. */
export function progressBar(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressBar {
  if (!stream.isTTY) return { update() {}, end() {} };
  const started = performance.now();
  let last = 0;
  let shown: Tick | undefined;
  const draw = (tick: Tick) => {
    const rate =
      tick.itemsPerSecond ?? tick.items / Math.max(0.001, (performance.now() - started) / 1000);
    const width = 20;
    const fraction = tick.total ? Math.min(1, (tick.done ?? 0) / tick.total) : undefined;
    const bar =
      fraction === undefined
        ? ""
        : `[${"#".repeat(Math.round(fraction * width)).padEnd(width, ".")}] `;
    const eta = tick.etaMs === undefined ? "" : `  ETA ${time(tick.etaMs)}`;
    const line = `${label} ${bar}${tick.items.toLocaleString("en-US")} items  ${Math.round(rate).toLocaleString("en-US")}/s${eta}`;
    stream.write(`\r${line.slice(0, (stream.columns || 80) - 1)}\x1b[K`);
  };
  return {
    update(tick) {
      shown = tick;
      const now = performance.now();
      if (now - last < 100) return;
      last = now;
      draw(tick);
    },
    end() {
      if (shown) draw(shown);
      stream.write("\n");
    },
  };
}
