/**
 * The progress check of paginated reads: a page whose `LastEvaluatedKey` is the key it started
 * from (by key identity) would make the loop ask for the same page forever, so the run fails.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { tryKeyIdentity } from "../encoding/identity.js";
import { DynoError } from "../errors.js";

type Key = Record<string, AttributeValue>;

/**
 * Throws when `lastKey` is `startKey` again (the same key in any notation).
 * @param what names the run in the message, e.g. `scanAll` or `scanAll segment 3`.
 * @param page the 1-based number of the page that answered.
 * @throws DynoError saying which run, which page and which key.
 */
export function assertProgress(
  what: string,
  startKey: Key | undefined,
  lastKey: Key | undefined,
  page: number,
): void {
  if (!startKey || !lastKey) return;
  const before = tryKeyIdentity(startKey);
  if (before === undefined || before !== tryKeyIdentity(lastKey)) return;
  throw new DynoError(
    `${what}: page ${page} returned as LastEvaluatedKey the key it started from ` +
      `(${describe(lastKey)}); stopping instead of requesting the same page forever ` +
      `(a server, proxy or middleware that does not advance the key)`,
  );
}

function describe(key: Key): string {
  try {
    const text = JSON.stringify(key, (_k, v: unknown) =>
      v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v,
    );
    return text.length > 200 ? `${text.slice(0, 197)}...` : text;
  } catch {
    return "a key";
  }
}
