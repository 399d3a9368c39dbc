/**
 * Child processes of tests (workers, the command line) whose JSON-line events are collected as
 * they come and which never outlive their test file; and Linux process and socket facts read from
 * /proc, for tests of what `dyno-ts/local` leaves running and where it listens.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, readdirSync, readlinkSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The repository's root (the working directory of spawned children). */
export const root = fileURLToPath(new URL("../..", import.meta.url));

const children = new Set<ChildProcess>();
let cleanup = false;

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
  if (!cleanup) {
    cleanup = true;
    // Whatever happened in a test, no child outlives the test file's process.
    process.once("exit", () => {
      for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    });
  }
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

/** A skip value for tests that need Linux's /proc. */
export const needsProc: string | false = existsSync("/proc/net/tcp")
  ? false
  : "needs Linux /proc to inspect processes and sockets";

function stat(pid: number): string[] | undefined {
  try {
    // "pid (comm) state ppid ...": comm may hold spaces, so split after its closing paren
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** The pids whose parent is `pid`. */
export function childPids(pid: number): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((p) => stat(p)?.[1] === String(pid));
}

/** The command line of a process ("" once it is gone). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return "";
  }
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const state = stat(pid)?.[0];
  return state !== undefined && state !== "Z" && state !== "X";
}

/** Resolves true once the process is gone, false if it is still alive after `timeoutMs`. */
export async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

function ipv4(hex: string): string {
  // /proc/net/tcp prints each 32-bit word in host (little-endian) byte order
  const bytes = hex.match(/../g)!.map((b) => parseInt(b, 16));
  return bytes.reverse().join(".");
}

function ipv6(hex: string): string {
  const words = hex.match(/.{8}/g)!.map((w) => w.match(/../g)!.reverse().join(""));
  const groups = words.join("").match(/.{4}/g)!;
  const address = groups.map((g) => parseInt(g, 16).toString(16)).join(":");
  return new URL(`http://[${address}]/`).hostname.slice(1, -1); // normalized, e.g. "::1"
}

/** The inodes of the sockets that process `pid` holds open. */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match) inodes.add(match[1]!);
    } catch {
      // the descriptor closed while we looked
    }
  }
  return inodes;
}

/**
 * The local addresses of the listening TCP sockets on `port`, e.g. `["127.0.0.1"]`; with
 * `pids`, only the sockets those processes hold (another process may listen on the same
 * port at another address, e.g. 127.0.0.1 while ours has ::1).
 */
export function listeningAddresses(port: number, pids?: readonly number[]): string[] {
  const owned = pids && new Set(pids.flatMap((pid) => [...socketInodes(pid)]));
  const found: string[] = [];
  for (const [file, parse] of [
    ["/proc/net/tcp", ipv4],
    ["/proc/net/tcp6", ipv6],
  ] as const) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 4 || fields[3] !== "0A") continue; // 0A: LISTEN
      const [address, portHex] = fields[1]!.split(":") as [string, string];
      if (parseInt(portHex, 16) !== port) continue;
      if (owned && !owned.has(fields[9]!)) continue; // field 9: the socket's inode
      found.push(parse(address));
    }
  }
  return found;
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped 127.x (how Java prints a dual-stack bind). */
export function isLoopback(address: string): boolean {
  return (
    /^127\./.test(address) || address === "::1" || /^::ffff:(127\.|7f[0-9a-f]{2}:)/.test(address)
  );
}
