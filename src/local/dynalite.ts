import type { Server } from "node:http";
import { DynoError } from "../errors.js";
import type { RunningEngine } from "./dynamodb-local.js";

type DynaliteFactory = (options: Record<string, unknown>) => Server;

/**
 * Starts the pure-JavaScript `dynalite` in this process, in memory, on `host:port`
 * (or a free port). Tables become ACTIVE at once, and idle keep-alive connections are
 * held open long enough that a pooled client never meets a closed socket.
 */
export async function startDynalite(
  host: string,
  port: number | undefined,
): Promise<RunningEngine> {
  let factory: DynaliteFactory;
  try {
    const mod = (await import("dynalite")) as unknown as { default?: DynaliteFactory };
    factory =
      typeof mod === "function" ? (mod as DynaliteFactory) : (mod.default as DynaliteFactory);
  } catch (error) {
    throw new DynoError(
      'startLocal: engine "dynalite" needs the npm package `dynalite` (`npm install --save-dev dynalite`).',
      { cause: error },
    );
  }
  const server = factory({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  // dynalite's default (Node's 5 s) closes idle sockets that the SDK's agent still reuses.
  server.keepAliveTimeout = 10 * 60_000;
  server.headersTimeout = 10 * 60_000 + 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : (port ?? 0);
  return {
    port: actualPort,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
