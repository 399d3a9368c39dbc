/**
 * The per-schema inlined paths of the generated codec (epoch dates, sets of every member
 * type, lists of any element, maps and records): same output and same error (message and
 * path) as the interpreter, and the same items as the schema-less path where the mappings
 * agree; with odd property names (Object.prototype members, quotes, NULs, separators).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { marshalItem, s, unmarshalItem } from "../../src/index.js";
import { outcome } from "./support.js";

const gen = { codegen: true };
const int = { codegen: false };
const names = [
  "a",
  "constructor",
  "__proto__",
  "toString",
  "q\"u'o`te",
  "n\0ul",
  "a.b[0]#:x",
  "$x",
];

const fields = {
  ms: s.date({ as: "epochMs" }),
  sec: s.date({ as: "epochSeconds" }),
  ss: s.stringSet(),
  ns: s.numberSet(),
  bs: s.binarySet(),
  ln: s.list(s.number()),
  ls: s.list(s.string()),
  lb: s.list(s.binary()),
  lbool: s.list(s.boolean()),
  liso: s.list(s.date()),
  lms: s.list(s.date({ as: "epochMs" })),
  lnn: s.list(s.number().nullable()),
  lss: s.list(s.stringSet()),
  lns: s.list(s.numberSet()),
  lbs: s.list(s.binarySet()),
  rec: s.record(s.number()),
  map: s.map(s.string()),
  mapn: s.map(s.number()),
  recb: s.record(s.binarySet()),
};
type K = keyof typeof fields;
const odd: unknown[] = [
  new Date(NaN),
  new Date(-1500),
  new Date(8.64e15),
  new Set(),
  new Set(["x", 1]),
  new Set([1, NaN]),
  new Set([1e200]),
  new Set([1, 1n]),
  new Set([Uint8Array.of(1), Uint8Array.of(1)]),
  new Set([Uint8Array.of(1), "x"]),
  [1, "2", 3],
  ["a", null, "b"],
  [NaN],
  [1e200, 1],
  [-0, 1e-200],
  [Uint8Array.of(1), "x"],
  [Buffer.from("x"), new Uint8Array(0)],
  [new Date(0), new Date(NaN)],
  [new Date(-1e15), 1],
  [true, 0],
  ["x", { [Symbol.for("dyno-ts.toAttribute")]: 1 }],
  [new Set()],
  [new Set(["a"]), new Set([2])],
  [new Set([1, 2]), new Set([NaN])],
  [new Set([Uint8Array.of(1)]), new Set([Uint8Array.of(2), Uint8Array.of(2)])],
  [new Set([Uint8Array.of(1), "x"])],
  [new Set(["a", "b"]), null, new Set()],
  { a: 1, b: "x" },
  new Map([["k", 1]]),
  new Map([["k", "v"]]),
  new Map<unknown, unknown>([
    ["k", 1],
    [2, 3],
  ]),
  new Map([["", 1]]),
  new Map([
    ["__proto__", 1],
    ["constructor", 2],
    ["u", undefined],
  ]),
  new Map([["k", NaN]]),
  new Map([["k", "x"]]),
  JSON.parse('{"__proto__": 1, "toString": 2, "q\\"": 3}'),
  { "": 1 },
  { k: undefined, j: 1 },
  { k: Infinity },
  Object.assign(Object.create({ inheritedKey: 1 }), { own: 2 }),
  new Set(Array.from({ length: 8 }, (_, i) => Uint8Array.of(i, 1))),
  new Set([...Array.from({ length: 7 }, (_, i) => Uint8Array.of(i, 1)), Uint8Array.of(3, 1)]),
  new Set([...Array.from({ length: 12 }, (_, i) => Uint8Array.of(i)), Uint8Array.of(11)]),
  new Set([Uint8Array.of(), Uint8Array.of(0)]),
  new Set([Uint8Array.of(), new Uint8Array(0)]),
  new Set([Buffer.from("ab"), Uint8Array.of(97, 98)]),
  null,
  "str",
  1.5e-7,
];
const oddItems: AttributeValue[] = [
  { N: "1e3" },
  { N: "not" },
  { N: "1e400" },
  { NS: ["1", "x"] },
  { NS: [1 as unknown as string] },
  { SS: ["a"] },
  { BS: [Uint8Array.of(1)] },
  { L: [{ N: "1" }, { S: "2" }] },
  { L: [{ SS: ["a"] }, { NS: ["1"] }] },
  { M: { k: { N: "0.1" }, j: { S: "x" } } },
  { M: { k: { S: "v" }, constructor: { S: "c" } } },
  { NULL: true },
];

describe("compiled inline paths", () => {
  for (const name of names) {
    for (const k of Object.keys(fields) as K[]) {
      const S = s.object({ [name]: fields[k], pad: s.string() });
      it(`${k} under ${JSON.stringify(name)}: values and items agree with the interpreter`, () => {
        for (const v of odd) {
          const x = { [name]: v, pad: "p" };
          Object.defineProperty(x, name, { value: v, enumerable: true });
          assert.deepStrictEqual(
            outcome(() => marshalItem(x, S as never, gen)),
            outcome(() => marshalItem(x, S as never, int)),
          );
        }
        for (const a of oddItems) {
          const m: Record<string, AttributeValue> = { pad: { S: "p" } };
          Object.defineProperty(m, name, { value: a, enumerable: true });
          assert.deepStrictEqual(
            outcome(() => unmarshalItem(m, S, gen)),
            outcome(() => unmarshalItem(m, S, int)),
          );
        }
      });
    }
  }
});
