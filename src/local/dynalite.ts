import type { Server } from "node:http";
import { DynoError } from "../errors.js";
import type { RunningEngine } from "./dynamodb-local.js";

type DynaliteFactory = (options: Record<string, unknown>) => Server;

/**
 * Starts the pure-JavaScript `dynalite` in this process, in memory, on `host:port`
 * (or a free port). Like DynamoDB, dynalite answers CreateTable while the table is still
 * CREATING (it turns ACTIVE a moment later: wait for it, e.g. with the SDK's
 * `waitUntilTableExists`, before using the table). Idle keep-alive connections are held open
 * long enough that a pooled client never meets a closed socket.
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
    const onError = (error: NodeJS.ErrnoException) =>
      reject(
        new DynoError(
          error.code === "EADDRINUSE"
            ? `startLocal: port ${port} on ${host} is already in use; dynalite could not listen on it.`
            : `startLocal: dynalite could not listen on ${host} port ${port ?? 0}: ${error.message}`,
          { cause: error },
        ),
      );
    server.once("error", onError);
    // Listening here, in this process, is the proof that the server on the port is this one.
    server.listen(port ?? 0, host, () => {
      server.off("error", onError);
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
