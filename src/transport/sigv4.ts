/**
 * AWS Signature Version 4 for the direct transport's requests: header signing with
 * `node:crypto`, the signing key cached per day, region, service and credentials.
 * Proven against `@smithy/signature-v4` by a property test and AWS's published vectors.
 * @module
 */
import { createHash, createHmac } from "node:crypto";

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
  readonly authorization: string;
}

const ALGORITHM = "AWS4-HMAC-SHA256";
const KEY_CACHE_LIMIT = 50;
const keyCache = new Map<string, Buffer>();

/** `20150830T123600Z` and `20150830` of a date. */
export function amzDates(date: Date): { long: string; short: string } {
  const iso = date.toISOString(); // 2015-08-30T12:36:00.000Z
  const short = iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10);
  return { long: `${short}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`, short };
}

/** The signing key of one day, region and service (derived once, then cached). */
function signingKey(
  credentials: SigningCredentials,
  short: string,
  region: string,
  service: string,
): Buffer {
  const cacheKey = `${short}\n${region}\n${service}\n${credentials.accessKeyId}\n${credentials.secretAccessKey}`;
  let key = keyCache.get(cacheKey);
  if (key) return key;
  key = hmac(`AWS4${credentials.secretAccessKey}`, short);
  key = hmac(key, region);
  key = hmac(key, service);
  key = hmac(key, "aws4_request");
  if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
  keyCache.set(cacheKey, key);
  return key;
}

/**
 * Signs `request` and returns the headers to add: `x-amz-date`, `x-amz-security-token` when
 * the credentials have a session token, and `authorization`. Every header of the request is
 * signed (the caller passes only signable ones).
 */
export function signRequest(
  request: SignableRequest,
  credentials: SigningCredentials,
  region: string,
  service: string,
  date: Date,
): SignedHeaders {
  const { long, short } = amzDates(date);
  const headers: Record<string, string> = { ...request.headers, "x-amz-date": long };
  if (credentials.sessionToken) headers["x-amz-security-token"] = credentials.sessionToken;
  const names = Object.keys(headers).sort();
  let canonicalHeaders = "";
  for (const name of names) canonicalHeaders += `${name}:${canonicalValue(headers[name]!)}\n`;
  const signedNames = names.join(";");
  const canonicalRequest = `${request.method}\n${canonicalPath(request.path)}\n\n${canonicalHeaders}\n${signedNames}\n${sha256Hex(request.body)}`;
  const scope = `${short}/${region}/${service}/aws4_request`;
  const stringToSign = `${ALGORITHM}\n${long}\n${scope}\n${sha256Hex(canonicalRequest)}`;
  const signature = createHmac("sha256", signingKey(credentials, short, region, service))
    .update(stringToSign)
    .digest("hex");
  const authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedNames}, Signature=${signature}`;
  return credentials.sessionToken
    ? { "x-amz-date": long, "x-amz-security-token": credentials.sessionToken, authorization }
    : { "x-amz-date": long, authorization };
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

function canonicalValue(value: string): string {
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
