/**
 * Helpers of the job tests: a table filled with numbered items, and child processes (job
 * workers, the command line) whose JSON-line events are collected as they come.
 */
import { after } from "node:test";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, request as httpRequest } from "node:http";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { Dyno } from "../../src/index.js";
import { createTestTable } from "../support/db.js";

export const root = fileURLToPath(new URL("../..", import.meta.url));

const children = new Set<ChildProcess>();
after(() => {
  // Whatever happened in a test, no child outlives the file.
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
});

/** A table keyed by `id` (S) holding `count` items `{ id: "item-00042", n: 42, pad }`. */
export async function filledTable(dyno: Dyno, count: number, padBytes = 0): Promise<string> {
  const table = await createTestTable(dyno.client, { partitionKey: ["id", "S"], sortKey: null });
  const pad = "x".repeat(padBytes);
  await dyno.batchWriteItemAll({
    RequestItems: {
      [table]: Array.from({ length: count }, (_, n) => ({
        PutRequest: {
          Item: { id: { S: itemId(n) }, n: { N: String(n) }, ...(pad ? { pad: { S: pad } } : {}) },
        },
      })),
    },
  });
  return table;
}

/** The id of item `n` of a {@link filledTable}. */
export const itemId = (n: number): string => `item-${String(n).padStart(5, "0")}`;

/** A running child process and what it printed. */
export interface Child {
  readonly child: ChildProcess;
  /** Every JSON line printed on stdout so far, parsed. */
  readonly events: Record<string, unknown>[];
  /** Resolves with the first event matching `pick` (at once if already seen). */
  next<T>(pick: (event: Record<string, unknown>) => boolean): Promise<T>;
  readonly exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
}

/**
 * Spawns `node [--import tsx] <script> ...args`, collecting stdout's JSON lines as events (lines
 * that are not JSON are kept in `stdout()` only).
 */
export function spawnChild(
  script: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
  options: { tsx?: boolean; stdin?: "ignore" | "pipe" } = {},
): Child {
  const child = spawn(
    process.execPath,
    [...(options.tsx === false ? [] : ["--import", "tsx"]), script, ...args],
    {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: [options.stdin ?? "ignore", "pipe", "pipe"],
    },
  );
  children.add(child);
  let stderr = "";
  let stdout = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const events: Record<string, unknown>[] = [];
  const waiters: {
    pick: (e: Record<string, unknown>) => boolean;
    resolve: (e: unknown) => void;
  }[] = [];
  createInterface({ input: child.stdout! }).on("line", (line) => {
    stdout += `${line}\n`;
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    events.push(event);
    for (const waiter of [...waiters]) {
      if (waiter.pick(event)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  });
  const exited = new Promise<number | null>((resolve) =>
    // "close": after stdout ended, so every line has been read.
    child.once("close", (code) => {
      children.delete(child);
      for (const waiter of waiters.splice(0)) {
        waiter.resolve(Promise.reject(new Error(`child ${child.pid} exited ${code}: ${stderr}`)));
      }
      resolve(code);
    }),
  );
  return {
    child,
    events,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    next<T>(pick: (event: Record<string, unknown>) => boolean): Promise<T> {
      const seen = events.find(pick);
      if (seen) return Promise.resolve(seen as T);
      return new Promise<T>((resolve) =>
        waiters.push({ pick, resolve: resolve as (e: unknown) => void }),
      );
    },
  };
}

/**
 * A proxy in front of `target` that forwards every request and, for those `lose` picks, throws
 * the answer away and answers 500 instead: the request landed, but the client cannot know.
 */
export async function lossyProxy(
  target: string,
  lose: (operation: string, body: Record<string, unknown>) => boolean,
): Promise<{ endpoint: string; lost: number; stop(): Promise<void> }> {
  const upstream = new URL(target);
  const state = { lost: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const operation =
        String(req.headers["x-amz-target"] ?? "")
          .split(".")
          .pop() ?? "";
      const body = raw.length ? (JSON.parse(raw.toString("utf8")) as Record<string, unknown>) : {};
      const forward = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          if (!lose(operation, body)) {
            res.writeHead(answer.statusCode ?? 500, answer.headers);
            answer.pipe(res);
            return;
          }
          answer.resume();
          answer.on("end", () => {
            state.lost++;
            const text = JSON.stringify({
              __type: "com.amazonaws.dynamodb.v20120810#InternalServerError",
              message: "lost",
            });
            res.writeHead(500, {
              "content-type": "application/x-amz-json-1.0",
              "content-length": Buffer.byteLength(text),
            });
            res.end(text);
          });
        },
      );
      forward.on("error", () => res.destroy());
      forward.end(raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get lost() {
      return state.lost;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
