/**
 * AWS Signature Version 4 for the direct transport's requests: header signing with
 * `node:crypto`, the signing key cached per client ({@link SigningKeys}) by day, region, service and
 * a digest of the credentials (never the secret itself).
 * Proven against `@smithy/signature-v4` by a property test and AWS's published vectors.
 * @module
 */
import * as crypto from "node:crypto";
import { createHash, createHmac, createSecretKey, type KeyObject } from "node:crypto";

/** The credentials a request is signed with (the SDK's `AwsCredentialIdentity` shape). */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** A request to sign: header names in lower case; `host` among them. */
export interface SignableRequest {
  readonly method: string;
  /** The URL path, e.g. `/`. */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array;
}

/** What signing adds to the request's headers. */
export interface SignedHeaders {
  readonly "x-amz-date": string;
  readonly "x-amz-security-token"?: string;
  readonly "x-amz-content-sha256"?: string;
  readonly authorization: string;
}

const ALGORITHM = "AWS4-HMAC-SHA256";
const KEY_CACHE_LIMIT = 50;

let lastSecond = Number.NaN;
let lastDates = { long: "", short: "" };

/** `20150830T123600Z` and `20150830` of a date (the last second's pair is reused). */
export function amzDates(date: Date): { long: string; short: string } {
  const second = Math.floor(date.getTime() / 1000);
  if (second === lastSecond) return lastDates;
  const iso = date.toISOString(); // 2015-08-30T12:36:00.000Z
  const short = iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10);
  lastDates = {
    long: `${short}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`,
    short,
  };
  lastSecond = second;
  return lastDates;
}

/**
 * The signing keys of one client, derived once per day, region, service and credentials. The
 * cache is keyed by a SHA-256 digest of the credentials (digested once per credentials object),
 * so no string holding the secret outlives a request; the owner drops the whole cache when the
 * client is destroyed.
 */
export class SigningKeys {
  readonly #keys = new Map<string, KeyObject>();
  readonly #digests = new WeakMap<SigningCredentials, string>();

  /** The last key given, and what it was for (most requests ask for the same one as the last). */
  #last:
    | {
        credentials: SigningCredentials;
        short: string;
        region: string;
        service: string;
        key: KeyObject;
      }
    | undefined;

  /** The signing key of `credentials` for one day (`20150830`), region and service. */
  get(credentials: SigningCredentials, short: string, region: string, service: string): KeyObject {
    const last = this.#last;
    if (
      last?.credentials === credentials &&
      last.short === short &&
      last.region === region &&
      last.service === service
    )
      return last.key;
    const key = this.#get(credentials, short, region, service);
    this.#last = { credentials, short, region, service, key };
    return key;
  }

  #get(credentials: SigningCredentials, short: string, region: string, service: string): KeyObject {
    let digest = this.#digests.get(credentials);
    if (digest === undefined) {
      digest = createHash("sha256")
        .update(`${credentials.accessKeyId}\n${credentials.secretAccessKey}`)
        .digest("base64");
      this.#digests.set(credentials, digest);
    }
    const cacheKey = `${short}\n${region}\n${service}\n${digest}`;
    let key = this.#keys.get(cacheKey);
    if (key) return key;
    let derived = hmac(`AWS4${credentials.secretAccessKey}`, short);
    derived = hmac(derived, region);
    derived = hmac(derived, service);
    key = createSecretKey(hmac(derived, "aws4_request"));
    if (this.#keys.size >= KEY_CACHE_LIMIT) this.#keys.clear();
    this.#keys.set(cacheKey, key);
    return key;
  }
}

/** Where a per-request header's value comes from in a canonical layout. */
const DATE = 0;
const TOKEN = 1;
const CONTENT_SHA256 = 2;

/**
 * The canonical header lines of one kind of request: the fixed headers' lines as text, and
 * where each per-request header's line goes (in sorted order): the date, the token, the payload
 * hash, or one of the caller's per-request headers by name.
 */
interface CanonicalLayout {
  readonly parts: readonly (
    string | typeof DATE | typeof TOKEN | typeof CONTENT_SHA256 | { readonly name: string }
  )[];
  readonly signedNames: string;
}

/**
 * The signer of one kind of request: its method, path, headers (everything but the date and
 * session token), the names of the headers each request brings its own value of, region and
 * service. What does not change between requests (the sorted, canonical header lines and the
 * canonical path) is worked out once; {@link sign} adds the date, token, payload hash and the
 * per-request values.
 */
export class RequestSigner {
  readonly #head: string;
  readonly #region: string;
  readonly #service: string;
  readonly #headers: Record<string, string>;
  readonly #perRequest: readonly string[];
  readonly #keys: SigningKeys;
  /** By whether there is a token (1) and a payload hash header (2). */
  readonly #layouts: (CanonicalLayout | undefined)[] = [];
  #token = "";
  #canonicalToken = "";

  /**
   * `headers`: lower-case names, `host` among them; each one is signed. `perRequest`: the
   * lower-case names of the headers (none of `headers`') each {@link sign} call gives a value
   * of. `keys`: the client's signing-key cache.
   */
  constructor(
    method: string,
    path: string,
    headers: Record<string, string>,
    region: string,
    service: string,
    keys: SigningKeys,
    perRequest: readonly string[] = [],
  ) {
    this.#keys = keys;
    this.#head = `${method}\n${canonicalPath(path)}\n\n`;
    this.#headers = { ...headers };
    delete this.#headers["x-amz-date"];
    delete this.#headers["x-amz-security-token"];
    delete this.#headers["x-amz-content-sha256"];
    this.#perRequest = perRequest.filter((name) => !(name in this.#headers));
    this.#region = region;
    this.#service = service;
  }

  /**
   * The headers that sign a request with `body`: `x-amz-date`, `x-amz-security-token` when the
   * credentials have a session token, `x-amz-content-sha256` when `contentSha256` (as the SDK's
   * signer adds it), and `authorization`. `perRequest`: the values of the headers named at
   * construction, each one present and already in canonical form (no line break, no leading,
   * trailing or repeated whitespace: the caller makes them, e.g. an id, a count, a length).
   */
  sign(
    body: string | Uint8Array,
    credentials: SigningCredentials,
    date: Date,
    perRequest?: Readonly<Record<string, string>>,
    contentSha256 = false,
  ): SignedHeaders {
    validateCredentials(credentials);
    const { long, short } = amzDates(date);
    const token = credentials.sessionToken;
    const payloadHash = sha256Hex(body);
    const variant = (token ? 1 : 0) | (contentSha256 ? 2 : 0);
    const layout = (this.#layouts[variant] ??= this.#layout(!!token, contentSha256));
    let headers = "";
    for (const part of layout.parts) {
      if (typeof part === "string") headers += part;
      else if (part === DATE) headers += `x-amz-date:${long}\n`;
      else if (part === TOKEN) headers += `x-amz-security-token:${this.#canonical(token!)}\n`;
      else if (part === CONTENT_SHA256) headers += `x-amz-content-sha256:${payloadHash}\n`;
      else {
        const value = perRequest?.[part.name];
        if (value === undefined)
          throw new TypeError(`no value for per-request header ${part.name}`);
        headers += `${part.name}:${value}\n`;
      }
    }
    const canonicalRequest = `${this.#head}${headers}\n${layout.signedNames}\n${payloadHash}`;
    const scope = `${short}/${this.#region}/${this.#service}/aws4_request`;
    const stringToSign = `${ALGORITHM}\n${long}\n${scope}\n${sha256Hex(canonicalRequest)}`;
    const signature = createHmac(
      "sha256",
      this.#keys.get(credentials, short, this.#region, this.#service),
    )
      .update(stringToSign)
      .digest("hex");
    const authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${layout.signedNames}, Signature=${signature}`;
    const signed: {
      "x-amz-date": string;
      "x-amz-security-token"?: string;
      "x-amz-content-sha256"?: string;
      authorization: string;
    } = { "x-amz-date": long, authorization };
    if (token) signed["x-amz-security-token"] = token;
    if (contentSha256) signed["x-amz-content-sha256"] = payloadHash;
    return signed;
  }

  /** The canonical value of a session token (the last one's is kept: tokens are long, and the same for hours). */
  #canonical(token: string): string {
    if (token !== this.#token) {
      this.#canonicalToken = canonicalValue(token);
      this.#token = token;
    }
    return this.#canonicalToken;
  }

  #layout(token: boolean, contentSha256: boolean): CanonicalLayout {
    const dynamic = new Map<string, CanonicalLayout["parts"][number]>([["x-amz-date", DATE]]);
    if (token) dynamic.set("x-amz-security-token", TOKEN);
    if (contentSha256) dynamic.set("x-amz-content-sha256", CONTENT_SHA256);
    for (const name of this.#perRequest) dynamic.set(name, { name });
    const names = [...Object.keys(this.#headers), ...dynamic.keys()].sort();
    const parts: CanonicalLayout["parts"][number][] = [];
    for (const name of names) {
      const part = dynamic.get(name);
      if (part !== undefined) parts.push(part);
      else {
        const line = `${name}:${canonicalValue(this.#headers[name]!)}\n`;
        if (typeof parts.at(-1) === "string") parts[parts.length - 1] += line;
        else parts.push(line);
      }
    }
    return { parts, signedNames: names.join(";") };
  }
}

/**
 * Signs `request` and returns the headers to add: `x-amz-date`, `x-amz-security-token` when
 * the credentials have a session token, and `authorization`. Every header of the request is
 * signed (the caller passes only signable ones). A sender of many such requests keeps a
 * {@link RequestSigner} instead.
 */
export function signRequest(
  request: SignableRequest,
  credentials: SigningCredentials,
  region: string,
  service: string,
  date: Date,
): SignedHeaders {
  return new RequestSigner(
    request.method,
    request.path,
    request.headers,
    region,
    service,
    new SigningKeys(),
  ).sign(request.body, credentials, date);
}

/**
 * Refuses credentials the SDK's signer refuses (with its message), and a session token that is
 * not a string (a `TypeError` on the SDK path too): nothing is signed or sent with them.
 */
function validateCredentials(credentials: SigningCredentials): void {
  if (
    typeof credentials !== "object" ||
    credentials === null ||
    typeof credentials.accessKeyId !== "string" ||
    typeof credentials.secretAccessKey !== "string"
  )
    throw new Error("Resolved credential object is not valid");
  const token: unknown = credentials.sessionToken;
  if (token !== undefined && token !== null && typeof token !== "string")
    throw new TypeError("the credentials' sessionToken is not a string");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

/** `crypto.hash` (Node ≥ 20.12): a one-shot digest, without a Hash object per call. */
const oneShot = (
  crypto as { hash?: (algorithm: string, data: string | Uint8Array, encoding: "hex") => string }
).hash;

function sha256Hex(data: string | Uint8Array): string {
  return oneShot ? oneShot("sha256", data, "hex") : createHash("sha256").update(data).digest("hex");
}

/** Header values that canonicalisation leaves as they are (most of them). */
const CANONICAL = /^(?:[^\s]+(?: [^\s]+)*)?$/;

function canonicalValue(value: string): string {
  if (CANONICAL.test(value)) return value;
  return value
    .replace(/[\r\n]/g, " ")
    .replace(/[ \t]+/g, " ")
    .replace(/^ | $/g, "");
}

/** The normalised, URI-encoded path (encoded twice, as SigV4 asks of every service but S3). */
function canonicalPath(path: string): string {
  if (path === "/") return path;
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const normalized = `${path.startsWith("/") ? "/" : ""}${segments.join("/")}${segments.length > 0 && path.endsWith("/") ? "/" : ""}`;
  return escapeUri(normalized).replace(/%2F/g, "/");
}

function escapeUri(uri: string): string {
  return encodeURIComponent(uri).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
