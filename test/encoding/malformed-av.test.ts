/**
 * What is not an attribute value, at any depth, read by `unmarshalItem`, `unmarshalItems` and
 * `unmarshalValue` (issue 16): a `DynoEncodingError` naming the path and what was found
 * there, never the engine's own `Cannot read properties of null` nor a silently decoded value.
 * Both compilations, with a schema and without.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import {
  DynoEncodingError,
  s,
  unmarshalItem,
  unmarshalItems,
  unmarshalValue,
} from "../../src/index.js";

const Item = s.object({
  a: s.string(),
  n: s.number().optional(),
  l: s.list(s.string()).optional(),
  m: s.record(s.number()).optional(),
  o: s.object({ x: s.string().rename("X") }).optional(),
  set: s.stringSet().optional(),
  any: s.any().optional(),
});

const ok = { a: { S: "x" } };
/** [label, item, path, message] */
const cases: [string, unknown, string, RegExp][] = [
  ["null attribute", { a: null }, "a", /a: null is not an attribute value$/],
  ["undefined-free string attribute", { a: "x" }, "a", /string "x"/],
  ["array attribute", { ...ok, n: [] }, "n", /empty attribute value|not an attribute value/],
  ["null list element", { ...ok, l: { L: [null] } }, "l[0]", /null is not an attribute value/],
  ["null L", { ...ok, l: { L: null } }, "l", /L holding null/],
  ["null map value", { ...ok, m: { M: { k: null } } }, "m.k", /null is not an attribute value/],
  ["null M", { ...ok, m: { M: null } }, "m", /M holding null/],
  [
    "null in a nested object",
    { ...ok, o: { M: { X: null } } },
    "o.X",
    /null is not an attribute value/,
  ],
  ["null SS", { ...ok, set: { SS: null } }, "set", /SS holding null/],
  ["null inside s.any()", { ...ok, any: { L: [{ M: { q: null } }] } }, "any[0].q", /null is not/],
  ["S holding null", { a: { S: null } }, "a", /S holding null/],
  ["S holding a number", { a: { S: 5 } }, "a", /S holding number 5/],
  ["N holding null", { ...ok, n: { N: null } }, "n", /N holding null/],
  ["N holding a number", { ...ok, n: { N: 5 } }, "n", /N holding number 5|5 is not a number/],
];

function throwsAt(fn: () => unknown, path: string, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DynoEncodingError, `expected DynoEncodingError, got ${String(e)}`);
    assert.equal(e.path, path, e.message);
    assert.match(e.message, message);
    assert.doesNotMatch(e.message, /Cannot read properties/);
    return true;
  });
}

for (const codegen of [true, false]) {
  describe(`malformed attribute values (${codegen ? "generated code" : "interpreted"})`, () => {
    for (const [label, item, path, message] of cases) {
      it(`${label}: with the schema, and without`, () => {
        const it = item as Record<string, AttributeValue>;
        throwsAt(() => unmarshalItem(it, Item, { codegen }), path, message);
        if (codegen) throwsAt(() => unmarshalItem(it, Item), path, message);
        if (path !== "o.X" && !/S holding|N holding number/.test(label)) {
          throwsAt(() => unmarshalItem(it, undefined, { codegen }), path, message);
        }
        throwsAt(() => unmarshalItems([ok, it], Item, { codegen }), `[1].${path}`, message);
      });
    }
  });
}

describe("malformed attribute values without a schema", () => {
  it("members of the wrong type are refused, not decoded as they are", () => {
    throwsAt(() => unmarshalItem({ a: { S: null } } as never), "a", /S holding null/);
    throwsAt(() => unmarshalItem({ a: { S: 5 } } as never), "a", /S holding number 5/);
    throwsAt(() => unmarshalItem({ a: { M: null } } as never), "a", /M holding null/);
    throwsAt(() => unmarshalItem({ a: { SS: null } } as never), "a", /SS holding null/);
    throwsAt(() => unmarshalItem({ a: { SS: ["x", null] } } as never), "a", /holds null/);
    throwsAt(() => unmarshalItem({ a: { BOOL: "yes" } } as never), "a", /BOOL holding/);
    throwsAt(() => unmarshalItem({ a: { B: "x" } } as never), "a", /B holding/);
  });
  it("unmarshalValue names what it got", () => {
    throwsAt(() => unmarshalValue(null as never), "", /null is not an attribute value/);
    throwsAt(() => unmarshalValue({ L: [null] } as never), "[0]", /null is not an attribute value/);
    throwsAt(
      () => unmarshalValue({ L: [null] } as never, s.list(s.string())),
      "[0]",
      /null is not an attribute value/,
    );
  });
});
