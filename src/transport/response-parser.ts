/**
 * An incremental HTTP/1.1 response parser for the direct transport's connections: the status
 * line, the headers (named and merged as node's `IncomingMessage.headers` does), and the body
 * framed by `Content-Length`, chunked transfer coding, or the end of the connection.
 * Informational (1xx) responses are skipped.
 * @module
 */
import { nodeHttp } from "./builtins.js";
import type { ResponseHead, WireResponse } from "./errors.js";

/** A parsed response, and whether the connection may carry another request after it. */
export interface ParsedResponse extends WireResponse {
  readonly keepAlive: boolean;
}

/** Headers of which node keeps the first value only (`IncomingMessage` drops the others). */
const SINGLE_VALUED = new Set([
  "age",
  "authorization",
  "content-length",
  "content-type",
  "etag",
  "expires",
  "from",
  "host",
  "if-modified-since",
  "if-unmodified-since",
  "last-modified",
  "location",
  "max-forwards",
  "proxy-authorization",
  "referer",
  "retry-after",
  "server",
  "user-agent",
]);

const HEAD_END = Buffer.from("\r\n\r\n");
const LINE_END = Buffer.from("\r\n");
const CR = 13;
const LF = 10;
let maxHead: number | undefined;
/** The most bytes a status line and headers may take: node's limit (`--max-http-header-size`). */
const maxHeadBytes = () => (maxHead ??= nodeHttp().maxHeaderSize);
/** A header name: an RFC 9110 token (so no space before the colon). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A character a header value may not hold: controls other than tab (obs-text is allowed). */
const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * A malformed response, named as node's HTTP parser (llhttp) names its errors: a message
 * `Parse Error: <reason>` and an `HPE_*` code.
 */
export function parseError(reason: string, code = "HPE_INVALID_RESPONSE"): Error {
  return Object.assign(new Error(`Parse Error: ${reason}`), { code });
}

/**
 * Refuses a line end that is not CRLF (a bare LF or CR) in `buffer[from, to)`, as llhttp
 * refuses them, at once rather than waiting for a CRLF CRLF that never comes.
 */
function checkLineEnds(buffer: Buffer, from: number, to: number): void {
  for (let i = buffer.indexOf(LF, from); i >= 0 && i < to; i = buffer.indexOf(LF, i + 1))
    if (i === 0 || buffer[i - 1] !== CR)
      throw parseError("Missing expected CR after header value", "HPE_CR_EXPECTED");
  for (let i = buffer.indexOf(CR, from); i >= 0 && i < to - 1; i = buffer.indexOf(CR, i + 1))
    if (buffer[i + 1] !== LF)
      throw parseError("Missing expected LF after header value", "HPE_LF_EXPECTED");
}

type Framing =
  | { kind: "length"; remaining: number }
  | { kind: "chunked"; remaining: number; trailers: boolean }
  | { kind: "close" };

/**
 * Parses one response at a time from the bytes of a connection. {@link push} takes each
 * chunk the socket reads and returns the response once it is complete; {@link end} is told
 * when the connection closes (a body framed by the close is then complete).
 */
export class ResponseParser {
  #buffer: Buffer | undefined;
  #status = 0;
  #headers: Record<string, string | string[]> | undefined;
  #keepAlive = true;
  #framing: Framing | undefined;
  #body: Buffer[] = [];

  /** True when no byte of a response has arrived yet. */
  get idle(): boolean {
    return this.#buffer === undefined && this.#headers === undefined;
  }

  /** True once the status line and headers are read and the body is not complete yet. */
  get inBody(): boolean {
    return this.#headers !== undefined;
  }

  /** The status and headers of the response whose body is being read. */
  get head(): ResponseHead | undefined {
    return this.#headers && { statusCode: this.#status, headers: this.#headers };
  }

  /** Feeds bytes; returns the response once complete. Throws on a malformed response. */
  push(chunk: Buffer): ParsedResponse | undefined {
    this.#buffer = this.#buffer ? Buffer.concat([this.#buffer, chunk]) : chunk;
    for (;;) {
      if (!this.#headers) {
        if (!this.#readHead()) return undefined;
        continue; // an informational response was skipped, or the head is read
      }
      if (!this.#readBody()) return undefined;
      return this.#complete();
    }
  }

  /** The connection closed: the response it completes, or undefined if it was cut short. */
  end(): ParsedResponse | undefined {
    if (this.#headers && this.#framing?.kind === "close") {
      this.#keepAlive = false;
      return this.#complete();
    }
    return undefined;
  }

  /**
   * Reads the status line and headers; false while incomplete. Refuses at once what node's
   * parser refuses: line ends other than CRLF, a head over node's size limit, a header name
   * that is not a token (a space before the colon, obs-fold), a control character in a value.
   */
  #readHead(): boolean {
    const buffer = this.#buffer;
    if (!buffer) return false;
    const end = buffer.indexOf(HEAD_END);
    const scanned = end < 0 ? buffer.length : end + 4;
    if ((end < 0 ? buffer.length : end + 2) > maxHeadBytes())
      throw parseError("Header overflow", "HPE_HEADER_OVERFLOW");
    if (end < 0) {
      checkLineEnds(buffer, 0, scanned); // refused at once, not when a CRLF CRLF never comes
      checkPartialHead(buffer.toString("latin1")); // so too a line already wrong before its end
      return false;
    }
    try {
      return this.#readFields(buffer, end);
    } catch (error) {
      // a bare CR or LF fails a line's checks below: refused as llhttp names it
      checkLineEnds(buffer, 0, scanned);
      throw error;
    }
  }

  /**
   * The status line and headers in `buffer[0, end)`. A bare CR or LF is refused by the checks
   * of the line holding it (the status line's pattern, a name's token, a value's characters).
   */
  #readFields(buffer: Buffer, end: number): boolean {
    const lines = buffer.toString("latin1", 0, end).split("\r\n");
    this.#buffer = end + 4 < buffer.length ? buffer.subarray(end + 4) : undefined;
    const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: [\t\x20-\x7e\x80-\xff]*)?$/.exec(lines[0]!);
    if (!statusLine) throw parseError("Invalid status line", "HPE_INVALID_STATUS");
    const status = Number(statusLine[2]);
    const headers: Record<string, string | string[]> = {};
    let lengths = 0;
    for (let i = 1; i < lines.length; i++) {
      const [rawName, value] = fieldLine(lines[i]!);
      const name = rawName.toLowerCase();
      if (name === "content-length" && ++lengths > 1)
        throw parseError("Duplicate Content-Length", "HPE_UNEXPECTED_CONTENT_LENGTH");
      const prior = headers[name];
      if (prior === undefined) headers[name] = name === "set-cookie" ? [value] : value;
      else if (Array.isArray(prior)) prior.push(value);
      else if (!SINGLE_VALUED.has(name)) headers[name] = `${prior}, ${value}`;
    }
    // A protocol switch is no DynamoDB answer: what follows is not HTTP (node's parser hands the
    // socket over as an 'upgrade', which the SDK's handler never settles).
    if (status === 101)
      throw parseError("Unexpected upgrade (101 Switching Protocols)", "HPE_PAUSED_UPGRADE");
    if (status >= 100 && status < 200) return true; // skip 1xx, read the next head
    const connection = String(headers["connection"] ?? "").toLowerCase();
    this.#keepAlive =
      statusLine[1] === "1" ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
    this.#framing = framingOf(status, headers);
    this.#status = status;
    this.#headers = headers;
    return true;
  }

  /** Reads body bytes as the framing says; true once the body is complete. */
  #readBody(): boolean {
    const framing = this.#framing!;
    if (framing.kind === "close") {
      if (this.#buffer) this.#body.push(this.#buffer);
      this.#buffer = undefined;
      return false;
    }
    if (framing.kind === "length") {
      this.#take(framing);
      return framing.remaining === 0;
    }
    return this.#readChunks(framing);
  }

  /** Moves up to `framing.remaining` buffered bytes into the body. */
  #take(framing: { remaining: number }): void {
    const buffer = this.#buffer;
    if (!buffer || framing.remaining === 0) return;
    if (buffer.length <= framing.remaining) {
      this.#body.push(buffer);
      framing.remaining -= buffer.length;
      this.#buffer = undefined;
    } else {
      this.#body.push(buffer.subarray(0, framing.remaining));
      this.#buffer = buffer.subarray(framing.remaining);
      framing.remaining = 0;
    }
  }

  /** Chunked transfer coding: size lines, data, CRLFs, then trailers up to an empty line. */
  #readChunks(framing: Extract<Framing, { kind: "chunked" }>): boolean {
    for (;;) {
      if (framing.remaining > 0) {
        this.#take(framing);
        if (framing.remaining > 0) return false;
        framing.remaining = -2; // the CRLF after the data
      }
      const buffer = this.#buffer;
      if (!buffer) return false;
      if (framing.remaining === -2) {
        if (buffer.length < 2) return false;
        if (buffer[0] !== CR || buffer[1] !== LF)
          throw parseError("Expected LF after chunk data", "HPE_STRICT");
        this.#buffer = buffer.length > 2 ? buffer.subarray(2) : undefined;
        framing.remaining = 0;
        continue;
      }
      const lineEnd = buffer.indexOf(LINE_END);
      checkLineEnds(buffer, 0, lineEnd < 0 ? buffer.length : lineEnd + 2);
      if (lineEnd < 0) {
        if (buffer.length > maxHeadBytes())
          throw parseError("Chunk line overflow", "HPE_HEADER_OVERFLOW");
        // a line already wrong before its end is refused at once, not when a CRLF never comes
        const partial = withoutPartialLineEnd(buffer.toString("latin1"));
        if (framing.trailers) checkPartialField(partial);
        else if (!CHUNK_SIZE_PREFIX.test(partial))
          throw parseError("Invalid character in chunk size", "HPE_INVALID_CHUNK_SIZE");
        return false;
      }
      const line = buffer.toString("latin1", 0, lineEnd);
      this.#buffer = lineEnd + 2 < buffer.length ? buffer.subarray(lineEnd + 2) : undefined;
      if (framing.trailers) {
        if (line === "") return true; // the empty line after the trailers ends the body
        fieldLine(line); // a trailer is a header field, held to the same rules (as by llhttp)
        continue;
      }
      const size = /^([0-9a-fA-F]{1,12})[ \t]*(?:;[\t\x20-\x7e\x80-\xff]*)?$/.exec(line);
      if (!size) throw parseError("Invalid character in chunk size", "HPE_INVALID_CHUNK_SIZE");
      const length = parseInt(size[1]!, 16);
      if (length === 0) framing.trailers = true;
      else framing.remaining = length;
    }
  }

  #complete(): ParsedResponse {
    const body = this.#body;
    const text =
      body.length === 0
        ? ""
        : body.length === 1
          ? body[0]!.toString("utf8")
          : Buffer.concat(body).toString("utf8");
    const headers = this.#headers!;
    const response: ParsedResponse = {
      statusCode: this.#status,
      headers,
      body: text,
      keepAlive: this.#keepAlive && this.#buffer === undefined,
    };
    this.#headers = undefined;
    this.#framing = undefined;
    this.#body = [];
    this.#buffer = undefined; // bytes after a response nobody asked for: the connection is not reused
    return response;
  }
}

function framingOf(status: number, headers: Record<string, string | string[]>): Framing {
  const coding = headers["transfer-encoding"];
  const length = headers["content-length"];
  if (coding !== undefined && length !== undefined)
    throw parseError(
      "Content-Length can't be present with Transfer-Encoding",
      "HPE_UNEXPECTED_CONTENT_LENGTH",
    );
  if (length !== undefined && !/^\d{1,15}$/.test(String(length)))
    throw parseError("Invalid character in Content-Length", "HPE_INVALID_CONTENT_LENGTH");
  if (status === 204 || status === 304) return { kind: "length", remaining: 0 };
  if (coding !== undefined) {
    if (/(?:^|,)\s*chunked\s*$/i.test(String(coding)))
      return { kind: "chunked", remaining: 0, trailers: false };
    return { kind: "close" };
  }
  if (length !== undefined) return { kind: "length", remaining: Number(length) };
  return { kind: "close" };
}

/** The name and value of a header (or trailer) field line, or the parse error llhttp gives. */
function fieldLine(line: string): [name: string, value: string] {
  const colon = line.indexOf(":");
  const name = colon < 0 ? line : line.slice(0, colon);
  if (colon <= 0 || !TOKEN.test(name))
    throw parseError("Invalid header token", "HPE_INVALID_HEADER_TOKEN"); // obs-fold too
  // SP and HT around the value only, as node trims
  let start = colon + 1;
  let end = line.length;
  while (start < end && isSpaceOrTab(line.charCodeAt(start))) start++;
  while (end > start && isSpaceOrTab(line.charCodeAt(end - 1))) end--;
  const value = line.slice(start, end);
  if (INVALID_VALUE_CHAR.test(value))
    throw parseError("Invalid header value char", "HPE_INVALID_HEADER_TOKEN");
  return [name, value];
}

/** What a chunk-size line may begin with (its size, whitespace, an extension). */
const CHUNK_SIZE_PREFIX =
  /^(?:[0-9a-fA-F]{0,12}|[0-9a-fA-F]{1,12}[ \t]*(?:;[\t\x20-\x7e\x80-\xff]*)?)$/;
/** The status line's fixed start, to which a partial one is compared. */
const STATUS_START = "HTTP/1.";
const STATUS_REASON = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A line not ended yet, without the CR of a CRLF whose LF has not arrived. */
function withoutPartialLineEnd(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

/**
 * Refuses a response head whose end has not arrived when what has arrived can no longer be a
 * valid head (node's llhttp refuses such bytes as it reads them): the status line checked as far
 * as it goes, each complete header line in full, and the partial last line as far as it goes.
 */
function checkPartialHead(text: string): void {
  const lines = text.split("\r\n");
  const last = lines.length - 1;
  const status = last === 0 ? withoutPartialLineEnd(lines[0]!) : lines[0]!;
  if (!isStatusLinePrefix(status, last > 0))
    throw parseError("Invalid status line", "HPE_INVALID_STATUS");
  for (let i = 1; i < last; i++) fieldLine(lines[i]!);
  if (last > 0) checkPartialField(withoutPartialLineEnd(lines[last]!));
}

/** Whether `line` is a status line (`complete`) or the start of one. */
function isStatusLinePrefix(line: string, complete: boolean): boolean {
  if (complete) return /^HTTP\/1\.[01] \d{3}(?: [\t\x20-\x7e\x80-\xff]*)?$/.test(line);
  const start = line.slice(0, STATUS_START.length);
  if (!STATUS_START.startsWith(start)) return false;
  const rest = line.slice(STATUS_START.length); // "1 200 OK"
  return /^(?:[01](?: (?:\d{0,2}|\d{3}(?: .*)?)?)?)?$/s.test(rest) && STATUS_REASON.test(rest);
}

/** Refuses the start of a header (or trailer) line that can no longer be a valid one. */
function checkPartialField(line: string): void {
  const colon = line.indexOf(":");
  if (colon < 0) {
    if (line !== "" && !TOKEN.test(line))
      throw parseError("Invalid header token", "HPE_INVALID_HEADER_TOKEN");
    return;
  }
  fieldLine(line);
}

function isSpaceOrTab(code: number): boolean {
  return code === 32 || code === 9;
}
