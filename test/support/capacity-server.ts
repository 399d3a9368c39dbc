/**
 * A simulated table capacity on loopback: an HTTP server speaking DynamoDB's JSON protocol that
 * admits `rate` requests per second (a token bucket holding `burst` of them, by default a
 * second's worth: DynamoDB itself keeps up to five minutes of unused capacity) and answers the rest
 * with `ProvisionedThroughputExceededException`, as a provisioned table does. Admitted requests get
 * an empty success (`{}`: a GetItem that found nothing, a PutItem with no return values). It counts
 * what it admitted over time, so a test can measure the throughput a client achieved in a window.
 */
import { createServer, type Server } from "node:http";

/** The server and its counters. */
export interface CapacityServer {
  readonly endpoint: string;
  /** Requests admitted (answered with success), per 100 ms slot since the start. */
  readonly slots: number[];
  /** Requests admitted and throttled so far. */
  readonly admitted: number;
  readonly throttled: number;
  /** While true, every request is throttled (a table whose capacity is gone). */
  throttleAll: boolean;
  /** Admitted requests per second between `fromMs` and `toMs` after the start. */
  rate(fromMs: number, toMs: number): number;
  /** Milliseconds since the server started. */
  elapsed(): number;
  stop(): Promise<void>;
}

const THROTTLED = JSON.stringify({
  __type: "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
  message: "The level of configured provisioned throughput for the table was exceeded.",
});

/** Starts the server: `rate` requests per second, a bucket of `burst` (default a second's worth). */
export async function capacityServer(options: {
  rate: number;
  burst?: number;
}): Promise<CapacityServer> {
  const { rate } = options;
  const burst = options.burst ?? Math.max(1, rate);
  const started = performance.now();
  let tokens = burst;
  let refilled = started;
  const slots: number[] = [];
  const counts = { admitted: 0, throttled: 0 };
  const control = { throttleAll: false };

  const admit = (): boolean => {
    const now = performance.now();
    tokens = Math.min(burst, tokens + ((now - refilled) * rate) / 1000);
    refilled = now;
    if (control.throttleAll || tokens < 1) return false;
    tokens -= 1;
    const slot = Math.floor((now - started) / 100);
    while (slots.length <= slot) slots.push(0);
    slots[slot]!++;
    return true;
  };

  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const ok = admit();
      if (ok) counts.admitted++;
      else counts.throttled++;
      const body = ok ? "{}" : THROTTLED;
      res.writeHead(ok ? 200 : 400, {
        "content-type": "application/x-amz-json-1.0",
        "content-length": Buffer.byteLength(body),
        "x-amzn-requestid": `capacity-${counts.admitted + counts.throttled}`,
      });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    slots,
    get admitted() {
      return counts.admitted;
    },
    get throttled() {
      return counts.throttled;
    },
    get throttleAll() {
      return control.throttleAll;
    },
    set throttleAll(value: boolean) {
      control.throttleAll = value;
    },
    rate(fromMs, toMs) {
      let sum = 0;
      for (let i = Math.floor(fromMs / 100); i < Math.floor(toMs / 100); i++) sum += slots[i] ?? 0;
      return (sum * 1000) / (toMs - fromMs);
    },
    elapsed: () => performance.now() - started,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What {@link capacityServerProcess} reports on request. */
export interface CapacityStats {
  elapsed: number;
  slots: number[];
  admitted: number;
  throttled: number;
}

/**
 * The same server in a child process of its own, so that on a loaded machine it does not take
 * the CPU time of the client under test (the scheduler gives each process its share).
 */
export async function capacityServerProcess(options: { rate: number; burst?: number }) {
  const { fork } = await import("node:child_process");
  const { fileURLToPath } = await import("node:url");
  const child = fork(fileURLToPath(new URL("./capacity-server-child.ts", import.meta.url)), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, CAPACITY_OPTIONS: JSON.stringify(options) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let ask: ((stats: CapacityStats) => void)[] = [];
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`capacity server exited with ${code}`)));
    child.on("message", (message: { endpoint?: string; stats?: CapacityStats }) => {
      if (message.endpoint) resolve(message.endpoint);
      if (message.stats) {
        const waiting = ask;
        ask = [];
        waiting.forEach((resolve) => resolve(message.stats!));
      }
    });
  });
  child.removeAllListeners("exit");
  return {
    endpoint,
    /** Throttles every request while true. */
    throttleAll(value: boolean): void {
      child.send({ throttleAll: value });
    },
    /** The server's counters now. */
    stats(): Promise<CapacityStats> {
      return new Promise((resolve) => {
        ask.push(resolve);
        child.send({ stats: true });
      });
    },
    stop(): Promise<void> {
      return new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill();
      });
    },
  };
}

/** Admitted requests per second between `fromMs` and `toMs` (server time) in `stats`. */
export function admittedRate(stats: CapacityStats, fromMs: number, toMs: number): number {
  let sum = 0;
  for (let i = Math.floor(fromMs / 100); i < Math.floor(toMs / 100); i++)
    sum += stats.slots[i] ?? 0;
  return (sum * 1000) / (toMs - fromMs);
}
