import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DynoEncodingError,
  DynoValidationError,
  ExpressionAttributes,
  formatPath,
  parsePath,
} from "../../src/index.js";

test("parsePath splits names and indexes", () => {
  assert.deepEqual(parsePath("a"), ["a"]);
  assert.deepEqual(parsePath("a.b[2].c"), ["a", "b", 2, "c"]);
  assert.deepEqual(parsePath("m[0][1]"), ["m", 0, 1]);
  assert.deepEqual(parsePath("list[10].x.y"), ["list", 10, "x", "y"]);
  assert.deepEqual(parsePath("with space.and-dash"), ["with space", "and-dash"]);
  assert.deepEqual(parsePath("ünï.códe"), ["ünï", "códe"]);
});

test("paths may nest 32 levels, as DynamoDB allows", () => {
  assert.equal(parsePath(Array(32).fill("a").join(".")).length, 32);
  assert.equal(parsePath("a" + "[0]".repeat(31)).length, 32);
});

test("segment arrays keep names with dots and brackets", () => {
  assert.deepEqual(parsePath(["weird.name", 0, "x"]), ["weird.name", 0, "x"]);
  assert.deepEqual(parsePath(["a[1]"]), ["a[1]"]);
  const input = ["a", 1] as const;
  const parsed = parsePath(input);
  assert.notEqual(parsed, input, "a copy, not the caller's array");
});

test("formatPath writes segments back", () => {
  assert.equal(formatPath(["a", "b", 2, "c"]), "a.b[2].c");
  assert.equal(formatPath(["weird.name", 0]), '"weird.name"[0]');
});

const malformed: [input: string | readonly (string | number)[], reason: RegExp][] = [
  ["", /empty path/],
  [".a", /empty segment at position 0/],
  ["a.", /empty segment at the end/],
  ["a..b", /empty segment at position 2/],
  ["a.[0]", /empty segment before '\['/],
  ["[0]", /must start with an attribute name/],
  ["a[1", /unbalanced bracket: '\[' at position 1 is not closed/],
  ["a[1[2]]", /unbalanced bracket/],
  ["a]", /unbalanced bracket: '\]' at position 1 has no matching/],
  ["a[0]]", /unbalanced bracket: '\]'|expected '.' or '\['/],
  ["a[]", /empty index/],
  ["a[-1]", /negative index \[-1\]/],
  ["a[x]", /not a non-negative integer/],
  ["a[1.5]", /not a non-negative integer/],
  ["a[99999999999999999999]", /too large/],
  ["a[0]b", /expected '.' or '\[' after '\]'/],
  [Array(33).fill("a").join("."), /33 nesting levels; DynamoDB allows at most 32/],
  ["a" + "[0]".repeat(32), /33 nesting levels/],
  [Array(33).fill("a"), /33 nesting levels/],
  [[], /empty path/],
  [["a", ""], /empty name at segment 1/],
  [[0, "a"], /must start with an attribute name/],
  [["a", -1], /index -1 at segment 1 is not a non-negative integer/],
  [["a", 1.5], /index 1.5/],
  [["a", Number.NaN], /index NaN/],
];

for (const [input, reason] of malformed) {
  test(`parsePath rejects ${JSON.stringify(input)}`, () => {
    assert.throws(
      () => parsePath(input),
      (error: unknown) => {
        assert.ok(error instanceof DynoValidationError);
        assert.match(error.message, reason);
        const label = typeof input === "string" ? input : JSON.stringify(input);
        // An empty path cannot name itself: the field is then what was given it ("path" here).
        assert.equal(error.field, label || "path", "the field names the path");
        assert.ok(error.message.includes(JSON.stringify(input)) || error.message.includes(label));
        return true;
      },
    );
  });
}

test("parsePath rejects what is not a path", () => {
  assert.throws(() => parsePath(42 as never), DynoValidationError);
  assert.throws(() => parsePath(null as never), DynoValidationError);
  assert.throws(() => parsePath(["a", true] as never), /segment 1 must be a name/);
});

test("ExpressionAttributes renders paths with one placeholder per distinct name", () => {
  const ctx = new ExpressionAttributes();
  assert.equal(ctx.path("a.b[2].a"), "#n0.#n1[2].#n0");
  assert.equal(ctx.path(["a.b", 0]), "#n2[0]");
  assert.equal(ctx.path("b"), "#n1");
  assert.deepEqual(ctx.toInput(), {
    ExpressionAttributeNames: { "#n0": "a", "#n1": "b", "#n2": "a.b" },
  });
});

test("ExpressionAttributes allocates values in order and omits empty maps", () => {
  const ctx = new ExpressionAttributes();
  assert.deepEqual(ctx.toInput(), {});
  assert.equal(ctx.value("x"), ":v0");
  assert.equal(ctx.value("x"), ":v1", "values are never shared");
  assert.equal(ctx.value(new Set([1, 2])), ":v2");
  assert.deepEqual(ctx.toInput(), {
    ExpressionAttributeValues: { ":v0": { S: "x" }, ":v1": { S: "x" }, ":v2": { NS: ["1", "2"] } },
  });
  assert.throws(() => ctx.value(undefined), DynoValidationError);
  assert.throws(() => ctx.value(Symbol("x")), DynoEncodingError, "encoding errors pass through");
  assert.throws(() => ctx.name(""), /an attribute name cannot be empty/);
});

test("ExpressionAttributes extends existing maps without collisions", () => {
  const existing = {
    ExpressionAttributeNames: { "#n0": "taken", "#status": "status", "#n2": "other" },
    ExpressionAttributeValues: { ":v0": { S: "old" }, ":v1": { N: "1" } },
  };
  const ctx = new ExpressionAttributes(existing);
  assert.equal(ctx.path("status"), "#status", "an existing name keeps its placeholder");
  assert.equal(ctx.path("fresh"), "#n1");
  assert.equal(ctx.path("fresher"), "#n3");
  assert.equal(ctx.value(1), ":v2");
  const out = ctx.toInput();
  assert.deepEqual(out.ExpressionAttributeNames, {
    "#n0": "taken",
    "#status": "status",
    "#n2": "other",
    "#n1": "fresh",
    "#n3": "fresher",
  });
  assert.deepEqual(out.ExpressionAttributeValues, {
    ":v0": { S: "old" },
    ":v1": { N: "1" },
    ":v2": { N: "1" },
  });
  assert.equal(Object.keys(existing.ExpressionAttributeNames).length, 3, "input not mutated");
  assert.equal(Object.keys(existing.ExpressionAttributeValues).length, 2, "input not mutated");
});
