/**
 * The progress check of paginated reads: a page whose `LastEvaluatedKey` is a key the run has
 * already seen (by key identity, per segment) would make the loop go round the same pages
 * forever (A → A, or A → B → A), so the run fails.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { tryKeyIdentity } from "../encoding/identity.js";
import { DynoError } from "../errors.js";

type Key = Record<string, AttributeValue>;

/**
 * The keys one sequence of pages (a run, or one segment of a parallel scan) has started from:
 * each page's `LastEvaluatedKey` must be new to it. Costs one identity string per page.
 */
export class KeyTrail {
  readonly #what: string;
  /** Key identity → the page that returned it (0: the run's own `ExclusiveStartKey`). */
  readonly #seen = new Map<string, number>();
  #last: string | undefined;

  /**
   * @param what names the run in messages, e.g. `scanAll` or `scanAll segment 3`.
   * @param startKey the `ExclusiveStartKey` the run starts from, if any.
   */
  constructor(what: string, startKey?: Key) {
    this.#what = what;
    const id = startKey && tryKeyIdentity(startKey);
    if (id !== undefined) this.#seen.set(id, 0);
    this.#last = id;
  }

  /**
   * Records page `page`'s `LastEvaluatedKey`; throws when the sequence has seen it before.
   * @param page the 1-based number of the page that answered.
   * @throws DynoError saying which run, which page, which key and which page returned it first.
   */
  check(lastKey: Key | undefined, page: number): void {
    if (!lastKey) return;
    const id = tryKeyIdentity(lastKey);
    if (id === undefined) return;
    const first = this.#seen.get(id);
    if (first === undefined) {
      this.#seen.set(id, page);
      this.#last = id;
      return;
    }
    const which =
      id === this.#last
        ? "the key it started from"
        : first === 0
          ? "the ExclusiveStartKey the run started from"
          : `a key page ${first} already returned`;
    throw new DynoError(
      `${this.#what}: page ${page} returned as LastEvaluatedKey ${which} ` +
        `(${describe(lastKey)}); stopping instead of going round the same pages forever ` +
        `(a server, proxy or middleware that does not advance the key)`,
    );
  }
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
