/**
 * The direct transport's HTTP/1.1 client: keep-alive connections made by the client's own
 * agent (`agent.createConnection`, so its TLS options, session cache and socket options
 * apply), one request at a time on each, the request written in one piece and the response
 * read by {@link ResponseParser}. It costs about 40% less CPU per request than `node:http`,
 * whose request and response objects, streams and per-header bookkeeping this skips.
 *
 * It honours the agent's options as node's agent does, read live from the agent: `maxSockets`
 * (per origin; queued requests FIFO), `keepAlive` (and the `Connection` header node sends),
 * `maxFreeSockets`, `scheduling` (`lifo`/`fifo`), and through the agent's own `keepSocketAlive`
 * its `keepAliveMsecs`, its `timeout` for idle connections and the server's `Keep-Alive:
 * timeout` hint; the agent's `destroy()` closes its connections too. What this module cannot
 * do as node's agent does (a `maxTotalSockets` across origins, an agent of another class, or
 * one whose request routing is overridden) is left to `node:http` (see `http.ts`).
 * @module
 */
import type { Agent as HttpAgent } from "node:http";
import type { Agent as HttpsAgent } from "node:https";
import { isIP, type Socket } from "node:net";
import type { ResponseHead } from "./errors.js";
import { nodeHttp, nodeHttps } from "./builtins.js";
import { ResponseParser, type ParsedResponse } from "./response-parser.js";

/** One request to write: the request line and headers as text, and the body. */
export interface OutgoingRequest {
  readonly head: string;
  readonly body: string;
}

/** What a request in flight is told by its connection. */
export interface Exchange {
  /** The response's status line and headers have arrived (its body has not). */
  headers(head: ResponseHead): void;
  response(response: ParsedResponse): void;
  /**
   * The request failed; `duringBody` when the response's headers had arrived (the SDK's
   * handler has resolved by then, and the failure comes from reading its body).
   */
  error(error: Error, duringBody: boolean): void;
  /**
   * The socket was inactive for its timeout during the request (the handler's socket timeout
   * when the request armed it; else an agent's `timeout`, which node ignores while busy).
   */
  timeout(): void;
}

/** A socket with one request at a time, and the parser of its responses. */
export class Connection {
  readonly socket: Socket;
  readonly #pool: OriginPool;
  readonly #parser = new ResponseParser();
  #exchange: Exchange | undefined;
  #closed = false;

  /**
   * `reader`: the socket's `onread` reader, when it was made with one (its reads then come here
   * without a stream `data` event); a socket that ignored it emits `data`, read here too.
   */
  constructor(socket: Socket, pool: OriginPool, reader?: SocketReader) {
    this.socket = socket;
    this.#pool = pool;
    reader?.attach(this.#parser, (chunk) => this.#onData(chunk));
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    socket.on("end", () => this.#onEnd());
    socket.on("error", (error: Error) => this.#fail(error));
    socket.on("close", () => this.#onClose());
    socket.on("timeout", () => {
      if (this.#exchange) this.#exchange.timeout();
      else this.#pool.discard(this); // an idle connection's agent timeout
    });
  }

  /** True once the socket is closed or closing: never reused. */
  get closed(): boolean {
    return this.#closed || this.socket.destroyed;
  }

  /** Writes `request`; `exchange` is told of its response or failure. */
  send(request: OutgoingRequest, exchange: Exchange): void {
    this.#exchange = exchange;
    this.socket.write(request.head + request.body);
  }

  /**
   * Closes the socket and fails the request in flight, if any, as node's request fails when its
   * socket is destroyed under it (`agent.destroy()`, which `client.destroy()` calls).
   */
  abandon(): void {
    const exchange = this.#exchange;
    this.destroy();
    if (exchange) this.#cutShort(exchange);
  }

  /** Closes the socket (a request in flight, if any, is not told: its owner chose this). */
  destroy(): void {
    this.#exchange = undefined;
    this.#closed = true;
    this.socket.destroy();
  }

  #onData(chunk: Buffer): void {
    const exchange = this.#exchange;
    if (!exchange) {
      this.destroy(); // bytes nobody asked for: the connection cannot be trusted any more
      return;
    }
    let response: ParsedResponse | undefined;
    const hadHead = this.#parser.inBody;
    try {
      response = this.#parser.push(chunk);
    } catch (error) {
      this.#fail(error as Error);
      return;
    }
    if (!response) {
      if (!hadHead && this.#parser.inBody) exchange.headers(this.#parser.head!);
      return;
    }
    this.#exchange = undefined;
    if (response.keepAlive) this.#pool.release(this, response);
    else this.#pool.discard(this);
    exchange.response(response);
  }

  #onEnd(): void {
    this.#closed = true;
    const exchange = this.#exchange;
    if (!exchange) return;
    const response = this.#parser.end();
    this.#exchange = undefined;
    this.#pool.discard(this);
    if (response) exchange.response(response);
    else this.#cutShort(exchange);
  }

  /** The connection ended before the response was complete. */
  #cutShort(exchange: Exchange): void {
    if (this.#parser.inBody) exchange.error(bodyAborted(), true);
    else exchange.error(hangUp(), false);
  }

  #onClose(): void {
    this.#closed = true;
    this.#pool.discard(this);
    const exchange = this.#exchange;
    this.#exchange = undefined;
    if (exchange) this.#cutShort(exchange);
  }

  #fail(error: Error): void {
    const exchange = this.#exchange;
    this.destroy();
    this.#pool.discard(this);
    exchange?.error(error, this.#parser.inBody);
  }
}

/** The bytes each read of a socket made with a {@link SocketReader} may fill: libuv's read size. */
const READ_BUFFER_BYTES = 65536;

/**
 * A socket's `onread` option (net and TLS sockets): each read is handed straight to the
 * connection, without the stream's `data` event and its per-read buffer and bookkeeping (about a
 * tenth of a small request's CPU). The buffer is reused while the parser holds none of its bytes
 * (a response's body is text by the time it is complete); while it holds some (a partial head
 * or body), the next read gets a fresh buffer.
 */
class SocketReader {
  #buffer: Buffer | undefined;
  #parser: ResponseParser | undefined;
  #read: ((chunk: Buffer) => void) | undefined;

  readonly onread = {
    buffer: (): Buffer => {
      if (this.#buffer === undefined || this.#parser?.idle !== true)
        this.#buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
      return this.#buffer;
    },
    callback: (bytes: number, buffer: Buffer): void => {
      this.#read?.(buffer.subarray(0, bytes));
    },
  };

  /** Where reads go from now on; `parser` says when the buffer holds nothing it still needs. */
  attach(parser: ResponseParser, read: (chunk: Buffer) => void): void {
    this.#parser = parser;
    this.#read = read;
  }
}

/**
 * node's error for a response whose body was cut off (`aborted` on the response stream; the
 * sender reports it as the SDK's deserializer does).
 */
function bodyAborted(): Error {
  return Object.assign(new Error("aborted"), { code: "ECONNRESET" });
}

/** node's error for a connection that closed before the response's headers arrived. */
function hangUp(): Error {
  return Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
}

/**
 * The agent's settings this module reads, live as node's agent reads them (public fields of
 * node's agents; `keepSocketAlive` is its own method, untyped in @types/node).
 */
interface AgentSettings {
  readonly keepAlive?: boolean;
  readonly maxFreeSockets: number;
  readonly scheduling?: "fifo" | "lifo";
  keepSocketAlive(socket: Socket): boolean;
}

/** What node's `keepSocketAlive` reads of the socket: the response of its last request. */
type HttpSocket = Socket & { _httpMessage?: { res: { headers: object } } | null };

/** Told when a connection is ready for a request that had to wait for one. */
export interface ConnectionWaiter {
  ready(connection: Connection): void;
  failed(error: Error): void;
}

/** The connections of one origin (scheme, host and port) made by one agent. */
export class OriginPool {
  readonly #agent: HttpAgent;
  readonly #options: Record<string, unknown>;
  readonly #open = new Set<Connection>();
  readonly #idle: Connection[] = [];
  readonly #waiting: ConnectionWaiter[] = [];

  constructor(agent: HttpAgent, host: string, port: number, https: boolean) {
    this.#agent = agent;
    const options: Record<string, unknown> = { ...agentOptions(agent), host, port };
    if (https) options.servername = isIP(host) ? "" : host;
    options._agentKey = agent.getName(options as never);
    options.encoding = null;
    this.#options = options;
  }

  /**
   * Whether requests ask for `Connection: keep-alive`: as node's, unless the agent neither keeps
   * connections alive nor limits them (a connection is then never reused).
   */
  get keepAliveHeader(): boolean {
    return (
      (this.#agent as unknown as AgentSettings).keepAlive === true ||
      Number.isFinite(this.#agent.maxSockets)
    );
  }

  /**
   * A connection for one request: an idle one (the latest released, as node's agent picks
   * by default), else a new one while fewer than `maxSockets` are open. When all are busy it
   * returns undefined and `waiter` gets the next one freed (FIFO).
   */
  acquire(waiter: ConnectionWaiter): Connection | undefined {
    const fifo = (this.#agent as unknown as AgentSettings).scheduling === "fifo";
    for (
      let connection = fifo ? this.#idle.shift() : this.#idle.pop();
      connection;
      connection = fifo ? this.#idle.shift() : this.#idle.pop()
    ) {
      if (connection.closed) continue;
      connection.socket.ref(); // its idle timeout stays set, as node's agent leaves it
      return connection;
    }
    if (this.#open.size < this.#agent.maxSockets) return this.#connect();
    this.#waiting.push(waiter);
    return undefined;
  }

  /** Takes `waiter` out of the queue (its request was aborted while it waited). */
  cancel(waiter: ConnectionWaiter): void {
    const index = this.#waiting.indexOf(waiter);
    if (index >= 0) this.#waiting.splice(index, 1);
  }

  /**
   * A connection whose response is complete and that may carry another request: as node's
   * agent on `free`, the next waiting request gets it; else it is kept idle if the agent keeps
   * connections alive, fewer than `maxFreeSockets` are idle and the agent's own
   * `keepSocketAlive` (the server's `Keep-Alive: timeout` hint, the agent's `timeout`) agrees.
   */
  release(connection: Connection, response?: { headers: object }): void {
    if (connection.closed || !connection.socket.writable) return this.discard(connection);
    const waiter = this.#waiting.shift();
    if (waiter) return waiter.ready(connection);
    const agent = this.#agent as unknown as AgentSettings;
    if (
      agent.keepAlive !== true ||
      this.#open.size > this.#agent.maxSockets ||
      this.#idle.length >= agent.maxFreeSockets ||
      !keepSocketAlive(agent, connection.socket as HttpSocket, response ?? { headers: {} })
    )
      return this.discard(connection);
    this.#idle.push(connection);
  }

  /** A connection that closed or must not be reused: its place goes to the next waiter. */
  discard(connection: Connection): void {
    if (!connection.closed) connection.destroy();
    if (!this.#open.delete(connection)) return;
    const idle = this.#idle.indexOf(connection);
    if (idle >= 0) this.#idle.splice(idle, 1);
    const waiter = this.#waiting.shift();
    if (!waiter) return;
    try {
      waiter.ready(this.#connect());
    } catch (error) {
      waiter.failed(error as Error);
    }
  }

  /**
   * Closes every connection, idle or busy (`agent.destroy()`): the requests in flight fail; the
   * waiting ones, which had no socket to lose, go on over new connections, as node's agent
   * gives its queued requests new sockets.
   */
  destroy(): void {
    for (const connection of [...this.#open]) connection.abandon();
  }

  #connect(): Connection {
    const reader = new SocketReader();
    const options = { ...this.#options, onread: reader.onread };
    const socket = this.#agent.createConnection(options as never) as unknown as Socket | undefined;
    if (!socket) throw new Error("the agent's createConnection returned no socket");
    const connection = new Connection(socket, this, reader);
    this.#open.add(connection);
    return connection;
  }
}

/** The agent's `keepSocketAlive` (it sets the idle socket's timeout and keep-alive), told of `response`. */
function keepSocketAlive(
  agent: AgentSettings,
  socket: HttpSocket,
  response: { headers: object },
): boolean {
  socket._httpMessage = { res: response };
  try {
    return agent.keepSocketAlive(socket);
  } finally {
    socket._httpMessage = null;
  }
}

/** The options node's agent connects with: its own, as `Agent#createSocket` merges them. */
function agentOptions(agent: HttpAgent): Record<string, unknown> {
  return { ...(agent as unknown as { options?: Record<string, unknown> }).options };
}

const pools = new WeakMap<HttpAgent, Map<string, OriginPool>>();

/** The agent methods by which node's requests find their sockets, and which this module skips. */
const ROUTING_METHODS = ["addRequest", "createSocket", "reuseSocket", "removeSocket"] as const;

/**
 * Whether this module's connections behave as `agent`'s own would: one of node's own agents,
 * its socket routing not overridden, and no `maxTotalSockets` (a limit across origins).
 */
function poolable(agent: HttpAgent, https: boolean): boolean {
  const nodeAgent: unknown = (https ? nodeHttps() : nodeHttp()).Agent;
  return (
    agent.constructor === nodeAgent &&
    agent.maxTotalSockets === Infinity &&
    !ROUTING_METHODS.some((name) => Object.prototype.hasOwnProperty.call(agent, name))
  );
}

/**
 * The pool of `agent` for one origin, or undefined when this module cannot honour the agent
 * (see {@link poolable}): requests through it keep `node:http`.
 */
export function originPool(
  agent: HttpAgent | HttpsAgent,
  https: boolean,
  host: string,
  port: number,
): OriginPool | undefined {
  if (!poolable(agent, https)) return undefined;
  let byOrigin = pools.get(agent);
  if (!byOrigin) {
    byOrigin = new Map();
    pools.set(agent, byOrigin);
    closeWithAgent(agent, byOrigin);
  }
  const key = `${host}:${port}`;
  let pool = byOrigin.get(key);
  if (!pool) {
    pool = new OriginPool(agent, host, port, https);
    byOrigin.set(key, pool);
  }
  return pool;
}

/**
 * `agent.destroy()` (what `client.destroy()` calls) closes this module's connections too:
 * the agent's own method is wrapped, on that agent only.
 */
function closeWithAgent(agent: HttpAgent, byOrigin: Map<string, OriginPool>): void {
  const destroy = agent.destroy.bind(agent);
  Object.defineProperty(agent, "destroy", {
    configurable: true,
    writable: true,
    value: () => {
      for (const pool of byOrigin.values()) pool.destroy();
      byOrigin.clear();
      destroy();
    },
  });
}
