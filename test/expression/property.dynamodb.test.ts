/**
 * Property: a random condition tree built with `cond.*`, used as a FilterExpression on
 * DynamoDB, selects exactly the random items that a reference evaluator written here
 * selects; used as a put ConditionExpression, it lets the put through exactly when the
 * evaluator says the stored item matches.
 *
 * The evaluator encodes DynamoDB's semantics as observed: a comparison with a missing
 * attribute or a value of another type is false, except `<>`, which is then true; NOT,
 * AND and OR are two-valued.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { BatchWriteItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import fc from "fast-check";
import { attr, cond, ExpressionAttributes, key, size, type Condition } from "../../src/index.js";
import { createTestTable, engine, testClient } from "../support/db.js";
import { putIf, queryWith, toItem } from "./support.js";

// ---- the random model -------------------------------------------------------------------

type Scalar = number | string | boolean;
type Item = Record<string, unknown>;
type Op = "eq" | "ne" | "lt" | "le" | "gt" | "ge";
type TypeName = "S" | "N" | "BOOL" | "SS" | "L" | "M";

/** A condition as plain data: built into `cond.*` and evaluated by the reference. */
type Desc =
  | { k: "cmp"; op: Op; path: string; value: Scalar }
  | { k: "attrCmp"; op: Op; path: string; other: string }
  | { k: "between"; path: string; lo: number | string; hi: number | string }
  | { k: "in"; path: string; values: Scalar[] }
  | { k: "beginsWith"; path: string; prefix: string }
  | { k: "contains"; path: string; value: Scalar }
  | { k: "exists" | "notExists"; path: string }
  | { k: "type"; path: string; type: TypeName }
  | { k: "size"; op: Op; path: string; n: number }
  | { k: "sizeBetween"; path: string; lo: number; hi: number }
  | { k: "and" | "or"; children: Desc[] }
  | { k: "not"; child: Desc };

const num = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(0.5, -1.5, 100));
const str = fc.string({ unit: fc.constantFrom("a", "b", "é"), maxLength: 3 });
const status = fc.constantFrom("open", "closed", "new");
const bool = fc.boolean();

const itemArb: fc.Arbitrary<Item> = fc.record(
  {
    n: num,
    v: fc.oneof(num, str),
    s: str,
    status,
    tags: fc
      .uniqueArray(fc.constantFrom("a", "b", "c", "d"), { minLength: 1, maxLength: 3 })
      .map((xs) => new Set(xs)),
    l: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
    m: fc.record({ x: num, y: str }, { requiredKeys: [] }),
    flag: bool,
  },
  { requiredKeys: [] },
);

/** Paths compared with values, and the values that fit each (plus other types sometimes). */
const typed: Record<string, fc.Arbitrary<Scalar>> = {
  n: num,
  v: fc.oneof(num, str),
  s: str,
  status,
  "l[0]": fc.integer({ min: 0, max: 3 }),
  "l[1]": fc.integer({ min: 0, max: 3 }),
  "m.x": num,
  "m.y": str,
  flag: bool,
};
const orderedPaths = Object.keys(typed).filter((p) => p !== "flag");
const allPaths = [...Object.keys(typed), "tags", "l", "m", "missing"];
const valueFor = (path: string, ordered: boolean): fc.Arbitrary<Scalar> =>
  fc.oneof(
    { weight: 4, arbitrary: typed[path]! },
    { weight: 1, arbitrary: ordered ? fc.oneof(num, str) : fc.oneof(num, str, bool) },
  );
const op = fc.constantFrom<Op>("eq", "ne", "lt", "le", "gt", "ge");

const leaf: fc.Arbitrary<Desc> = fc.oneof(
  fc.record({ op, path: fc.constantFrom(...Object.keys(typed)) }).chain(({ op, path }) => {
    const ordered = op !== "eq" && op !== "ne";
    const p = ordered && path === "flag" ? "n" : path;
    return valueFor(p, ordered).map((value): Desc => ({ k: "cmp", op, path: p, value }));
  }),
  fc
    .record({
      k: fc.constant("attrCmp" as const),
      op,
      path: fc.constantFrom("n", "v", "m.x", "l[0]"),
      other: fc.constantFrom("v", "m.x", "l[1]", "s"),
    })
    .filter((d) => d.path !== d.other), // cond.* rejects comparing an attribute with itself
  fc.constantFrom(...orderedPaths).chain((path) =>
    fc.oneof(fc.tuple(num, num), fc.tuple(str, str)).map(([a, b]): Desc => {
      const [lo, hi] = compare(a, b) <= 0 ? [a, b] : [b, a];
      return { k: "between", path, lo, hi };
    }),
  ),
  fc
    .constantFrom(...Object.keys(typed))
    .chain((path) =>
      fc
        .array(valueFor(path, false), { minLength: 1, maxLength: 5 })
        .map((values): Desc => ({ k: "in", path, values })),
    ),
  fc.record({
    k: fc.constant("beginsWith" as const),
    path: fc.constantFrom("s", "v", "status", "m.y"),
    prefix: fc.oneof(str, fc.constantFrom("o", "ne", "cl")),
  }),
  fc
    .constantFrom("s", "tags", "l", "v")
    .chain((path) =>
      (path === "l"
        ? fc.oneof(fc.integer({ min: 0, max: 3 }), str)
        : fc.oneof(str, fc.constantFrom("a", "c"), num)
      ).map((value): Desc => ({ k: "contains", path, value })),
    ),
  fc.record({
    k: fc.constantFrom("exists" as const, "notExists" as const),
    path: fc.constantFrom(...allPaths),
  }),
  fc.record({
    k: fc.constant("type" as const),
    path: fc.constantFrom(...allPaths),
    type: fc.constantFrom<TypeName>("S", "N", "BOOL", "SS", "L", "M"),
  }),
  fc.record({
    k: fc.constant("size" as const),
    op,
    path: fc.constantFrom("s", "tags", "l", "m", "v"),
    n: fc.integer({ min: 0, max: 3 }),
  }),
  fc
    .tuple(
      fc.constantFrom("s", "tags", "l", "m"),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 3 }),
    )
    .map(([path, a, b]): Desc => ({
      k: "sizeBetween",
      path,
      lo: Math.min(a, b),
      hi: Math.max(a, b),
    })),
);

const trees: fc.Arbitrary<Desc>[] = [leaf];
for (let depth = 1; depth <= 3; depth++) {
  const sub = trees[depth - 1]!;
  trees.push(
    fc.oneof(
      { weight: 2, arbitrary: leaf },
      {
        weight: 2,
        arbitrary: fc.record({
          k: fc.constantFrom("and" as const, "or" as const),
          children: fc.array(sub, { minLength: 1, maxLength: 3 }),
        }),
      },
      { weight: 1, arbitrary: sub.map((child): Desc => ({ k: "not", child })) },
    ),
  );
}
const conditionArb = trees[3]!;

// ---- building with cond.* ---------------------------------------------------------------

function build(d: Desc): Condition {
  switch (d.k) {
    case "cmp":
      return cond[d.op](d.path, d.value);
    case "attrCmp":
      return cond[d.op](d.path, attr(d.other));
    case "between":
      return cond.between(d.path, d.lo, d.hi);
    case "in":
      return cond.in(d.path, ...d.values);
    case "beginsWith":
      return cond.beginsWith(d.path, d.prefix);
    case "contains":
      return cond.contains(d.path, d.value);
    case "exists":
      return cond.exists(d.path);
    case "notExists":
      return cond.notExists(d.path);
    case "type":
      return cond.type(d.path, d.type);
    case "size":
      return size(d.path)[d.op](d.n);
    case "sizeBetween":
      return size(d.path).between(d.lo, d.hi);
    case "and":
      return cond.and(...d.children.map(build));
    case "or":
      return cond.or(...d.children.map(build));
    case "not":
      return cond.not(build(d.child));
  }
}

// ---- the reference evaluator --------------------------------------------------------------

function resolve(item: Item, path: string): unknown {
  let value: unknown = item;
  for (const part of path.split(/\.|(?=\[)/)) {
    if (value === undefined || value === null) return undefined;
    const index = /^\[(\d+)\]$/.exec(part);
    if (index) value = Array.isArray(value) ? value[Number(index[1])] : undefined;
    else
      value =
        typeof value === "object" && !Array.isArray(value) && !(value instanceof Set)
          ? (value as Item)[part]
          : undefined;
  }
  return value;
}

function typeName(value: unknown): TypeName | "NULL" | undefined {
  if (value === undefined) return undefined;
  if (value === null) return "NULL";
  if (typeof value === "string") return "S";
  if (typeof value === "number") return "N";
  if (typeof value === "boolean") return "BOOL";
  if (value instanceof Set) return "SS";
  if (Array.isArray(value)) return "L";
  return "M";
}

/** Orders two values of one type: numbers numerically, strings by UTF-8 bytes. */
function compare(a: number | string, b: number | string): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return Buffer.compare(Buffer.from(String(a)), Buffer.from(String(b)));
}

function equal(a: unknown, b: unknown): boolean {
  if (typeName(a) !== typeName(b)) return false;
  if (a instanceof Set && b instanceof Set)
    return a.size === b.size && [...a].every((x) => b.has(x));
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (typeName(a) === "M") {
    const [x, y] = [a as Item, b as Item];
    const keys = Object.keys(x);
    return keys.length === Object.keys(y).length && keys.every((k) => equal(x[k], y[k]));
  }
  return a === b;
}

function comparison(op: Op, a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return op === "ne";
  if (op === "eq") return equal(a, b);
  if (op === "ne") return !equal(a, b);
  const t = typeName(a);
  if (t !== typeName(b) || (t !== "N" && t !== "S")) return false;
  const c = compare(a as number | string, b as number | string);
  return op === "lt" ? c < 0 : op === "le" ? c <= 0 : op === "gt" ? c > 0 : c >= 0;
}

function sizeOf(value: unknown): number | undefined {
  // DynamoDB Local counts UTF-16 code units ("aé" → 2, "😀" → 2), as JS's length does.
  if (typeof value === "string") return value.length;
  if (value instanceof Set) return value.size;
  if (Array.isArray(value)) return value.length;
  if (typeName(value) === "M") return Object.keys(value as Item).length;
  return undefined;
}

function evaluate(d: Desc, item: Item): boolean {
  switch (d.k) {
    case "cmp":
      return comparison(d.op, resolve(item, d.path), d.value);
    case "attrCmp":
      return comparison(d.op, resolve(item, d.path), resolve(item, d.other));
    case "between": {
      const a = resolve(item, d.path);
      if (typeName(a) !== typeName(d.lo)) return false;
      return compare(a as number | string, d.lo) >= 0 && compare(a as number | string, d.hi) <= 0;
    }
    case "in":
      return d.values.some((v) => comparison("eq", resolve(item, d.path), v));
    case "beginsWith": {
      const a = resolve(item, d.path);
      return typeof a === "string" && a.startsWith(d.prefix);
    }
    case "contains": {
      const a = resolve(item, d.path);
      if (typeof a === "string") return typeof d.value === "string" && a.includes(d.value);
      if (a instanceof Set) return a.has(d.value);
      if (Array.isArray(a)) return a.some((x) => equal(x, d.value));
      return false;
    }
    case "exists":
      return resolve(item, d.path) !== undefined;
    case "notExists":
      return resolve(item, d.path) === undefined;
    case "type":
      return typeName(resolve(item, d.path)) === d.type;
    case "size":
      return comparison(d.op, sizeOf(resolve(item, d.path)), d.n);
    case "sizeBetween": {
      const n = sizeOf(resolve(item, d.path));
      return n !== undefined && n >= d.lo && n <= d.hi;
    }
    case "and":
      return d.children.every((c) => evaluate(c, item));
    case "or":
      return d.children.some((c) => evaluate(c, item));
    case "not":
      return !evaluate(d.child, item);
  }
}

// ---- the property ---------------------------------------------------------------------------

let client: DynamoDBClient;
let table: string;
before(async () => {
  client = await testClient();
  table = await createTestTable(client, { partitionKey: ["run", "S"], sortKey: ["i", "N"] });
});

const skip =
  engine === "dynalite" &&
  "dynalite's condition semantics differ from DynamoDB's (e.g. two missing attributes are equal)";

test(
  "random cond.* trees select on DynamoDB what the reference evaluator selects",
  { skip },
  async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(itemArb, { minLength: 1, maxLength: 12 }),
        conditionArb,
        async (items, desc) => {
          const partition = `r${++run}`;
          const stored = items.map((item, i) => ({ ...item, run: partition, i }));
          await client.send(
            new BatchWriteItemCommand({
              RequestItems: {
                [table]: stored.map((item) => ({ PutRequest: { Item: toItem(item) } })),
              },
            }),
          );
          const condition = build(desc);
          const rendered = condition.render(new ExpressionAttributes());
          const got = (await queryWith(client, table, key.eq("run", partition), condition)).map(
            (x) => x.i,
          );
          const expected = stored.filter((item) => evaluate(desc, item)).map((x) => x.i);
          assert.deepEqual(got, expected, `filter ${rendered}`);
          // The same condition as a put condition, against the first stored item.
          const first = stored[0]!;
          assert.equal(
            await putIf(client, table, first, condition),
            evaluate(desc, first),
            `condition ${rendered}`,
          );
          // ... and against an item that does not exist (every attribute is missing).
          const fresh = { run: partition, i: -1 };
          assert.equal(
            await putIf(client, table, fresh, condition),
            evaluate(desc, {}),
            `condition ${rendered} on a new item`,
          );
        },
      ),
      { numRuns: Number(process.env.DYNO_PROPERTY_RUNS ?? 200), includeErrorInReport: true },
    );
  },
);

test("the evaluator is not trivially constant on the generated data", () => {
  // Guards the property against a generator that only ever produces all-or-nothing results.
  const samples = fc.sample(
    fc.tuple(fc.array(itemArb, { minLength: 8, maxLength: 8 }), conditionArb),
    {
      numRuns: 300,
      seed: 42,
    },
  );
  const mixed = samples.filter(([items, d]) => {
    const hits = items.filter((i) => evaluate(d, i)).length;
    return hits > 0 && hits < items.length;
  });
  assert.ok(
    mixed.length > samples.length / 4,
    `only ${mixed.length} of ${samples.length} samples are mixed`,
  );
});
