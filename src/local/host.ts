import { isIPv4, isIPv6 } from "node:net";
import { DynoError } from "../errors.js";

/**
 * The address a local engine binds and its clients connect to: a loopback address only
 * (`127.0.0.0/8`, `::1`; `localhost` means `127.0.0.1`), so that no other machine can
 * reach a server that has no authentication.
 */
export function loopbackHost(host: string | undefined): string {
  if (host === undefined || host === "localhost") return "127.0.0.1";
  if (isIPv4(host) && host.startsWith("127.")) return host;
  if (isIPv6(host) && isIPv6Loopback(host)) return "::1";
  throw new DynoError(
    `startLocal: host must be a loopback address (127.0.0.1, ::1 or localhost), got ${JSON.stringify(host)}; ` +
      "a local DynamoDB has no authentication and must not be reachable from other machines.",
  );
}

function isIPv6Loopback(host: string): boolean {
  return new URL(`http://[${host}]/`).hostname === "[::1]"; // the URL parser normalizes
}

/** `http://127.0.0.1:8000`, or `http://[::1]:8000` for an IPv6 address. */
export function endpointFor(host: string, port: number): string {
  return `http://${isIPv6(host) ? `[${host}]` : host}:${port}`;
}
